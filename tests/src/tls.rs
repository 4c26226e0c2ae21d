/*!
Certificate authorities made in the test (OpenSSL, P-256): an organisation's
CA that issues the sync server's certificate, and strangers' CAs a desktop
must refuse. Nothing here touches the machine's trust store.
*/

use std::path::{Path, PathBuf};

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::{X509Builder, X509Name, X509NameBuilder, X509};

/// A certificate authority that lives as long as the test.
#[derive(Debug)]
pub struct TestCa {
    pub certificate: X509,
    key: PKey<Private>,
}

/// A server certificate and its key, written as PEM files.
#[derive(Debug, Clone)]
pub struct ServerCertificate {
    pub certificate_chain: PathBuf,
    pub private_key: PathBuf,
}

fn new_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
    PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("PKey")
}

fn name(common_name: &str) -> X509Name {
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_nid(Nid::ORGANIZATIONNAME, "uw-system-tests").expect("O");
    name.append_entry_by_nid(Nid::COMMONNAME, common_name).expect("CN");
    name.build()
}

fn serial() -> Asn1Integer {
    let mut bn = BigNum::new().expect("bignum");
    bn.rand(120, MsbOption::MAYBE_ZERO, false).expect("random serial");
    bn.to_asn1_integer().expect("serial")
}

/// Valid from an hour ago (clock skew between processes) for `days`.
fn validity(builder: &mut X509Builder, days: u32) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    builder.set_not_before(&Asn1Time::from_unix(now - 3600).expect("time")).expect("not before");
    builder.set_not_after(&Asn1Time::days_from_now(days).expect("time")).expect("not after");
}

impl TestCa {
    /// A new self-signed root named `common_name`.
    pub fn new(common_name: &str) -> Self {
        let key = new_key();
        let name = name(common_name);
        let mut b = X509Builder::new().expect("builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&serial()).expect("serial");
        b.set_subject_name(&name).expect("subject");
        b.set_issuer_name(&name).expect("issuer");
        b.set_pubkey(&key).expect("key");
        validity(&mut b, 365);
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc")).expect("bc");
        b.append_extension(KeyUsage::new().critical().key_cert_sign().crl_sign().build().expect("ku")).expect("ku");
        let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None)).expect("ski");
        b.append_extension(ski).expect("ski");
        b.sign(&key, MessageDigest::sha256()).expect("sign");
        Self { certificate: b.build(), key }
    }

    /// The CA certificate as PEM (what an organisation hands its desktops).
    pub fn pem(&self) -> String {
        String::from_utf8(self.certificate.to_pem().expect("pem")).expect("ascii")
    }

    /// Writes the CA certificate to `dir/<file>` and returns its path.
    pub fn write_pem(&self, dir: &Path, file: &str) -> PathBuf {
        let path = dir.join(file);
        std::fs::write(&path, self.pem()).expect("write CA");
        path
    }

    /// A server certificate for `localhost` and 127.0.0.1 (and `::1`),
    /// written under `dir` with the given file stem.
    pub fn issue_server(&self, dir: &Path, stem: &str) -> ServerCertificate {
        let key = new_key();
        let mut b = X509Builder::new().expect("builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&serial()).expect("serial");
        b.set_subject_name(&name("localhost")).expect("subject");
        b.set_issuer_name(self.certificate.subject_name()).expect("issuer");
        b.set_pubkey(&key).expect("key");
        validity(&mut b, 90);
        b.append_extension(BasicConstraints::new().build().expect("bc")).expect("bc");
        b.append_extension(KeyUsage::new().critical().digital_signature().build().expect("ku")).expect("ku");
        b.append_extension(ExtendedKeyUsage::new().server_auth().build().expect("eku")).expect("eku");
        let san = SubjectAlternativeName::new()
            .dns("localhost")
            .ip("127.0.0.1")
            .ip("::1")
            .build(&b.x509v3_context(Some(&self.certificate), None))
            .expect("san");
        b.append_extension(san).expect("san");
        let aki = AuthorityKeyIdentifier::new().keyid(true).build(&b.x509v3_context(Some(&self.certificate), None)).expect("aki");
        b.append_extension(aki).expect("aki");
        b.sign(&self.key, MessageDigest::sha256()).expect("sign");
        let certificate = b.build();
        let certificate_chain = dir.join(format!("{stem}.crt"));
        let private_key = dir.join(format!("{stem}.key"));
        std::fs::write(&certificate_chain, certificate.to_pem().expect("pem")).expect("write certificate");
        std::fs::write(&private_key, key.private_key_to_pem_pkcs8().expect("pem")).expect("write key");
        ServerCertificate { certificate_chain, private_key }
    }
}

impl ServerCertificate {
    pub fn tls_files(&self) -> uw_sync_server::tls::TlsFiles {
        uw_sync_server::tls::TlsFiles { certificate_chain: self.certificate_chain.clone(), private_key: self.private_key.clone() }
    }
}
