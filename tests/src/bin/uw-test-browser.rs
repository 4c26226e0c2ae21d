//! A stand-in for the system browser in the end-to-end tests: the app runs
//! it (through `$BROWSER`) with the identity provider's sign-in address; it
//! signs in as the user named in the file `UW_TEST_BROWSER_USER_FILE` (so a
//! test changes who signs in between steps), trusting the provider's CA in
//! `UW_TEST_BROWSER_CA`, and follows the redirect back to the app's
//! loopback port, as a person in their browser would.

fn main() {
    let url = std::env::args().nth(1).expect("the address to open");
    let user_file = std::env::var("UW_TEST_BROWSER_USER_FILE").expect("UW_TEST_BROWSER_USER_FILE");
    let user = std::fs::read_to_string(user_file).expect("who signs in").trim().to_owned();
    let ca = std::fs::read_to_string(std::env::var("UW_TEST_BROWSER_CA").expect("UW_TEST_BROWSER_CA")).expect("the provider's CA");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let mut browser = uw_system_tests::oidc::Browser::trusting(&ca);
        let back = browser.sign_in(&url, &user).await.unwrap_or_else(|page| panic!("the provider stopped at: {page}"));
        let answer = reqwest::get(&back).await.expect("the app's loopback port answers");
        eprintln!("uw-test-browser: {} from the app", answer.status());
    });
}
