-- Quote numbers that scale. Each device gets a number at enrollment, never
-- reused, and numbers its own quotes QUOT-YYYY-DDDDD-NNNNN with a serial it
-- counts itself; nothing is granted per year and nothing runs out. Devices
-- enrolled before get numbers in enrollment order. Quote numbers of the first
-- scheme (QUOT-YYYY-NNNNNN, from quote_number_block) stay valid.
ALTER TABLE device ADD COLUMN device_number BIGINT CHECK (device_number >= 1);
UPDATE device SET device_number = r.n
FROM (SELECT device_id, ROW_NUMBER() OVER (ORDER BY enrolled_at, device_id) AS n FROM device) r
WHERE r.device_id = device.device_id;
ALTER TABLE device ALTER COLUMN device_number SET NOT NULL;
CREATE UNIQUE INDEX device_number_unique ON device (device_number);

-- The highest serial recorded from each device in each year: a device
-- restored from a backup, or recovered, numbers on from here.
CREATE TABLE device_quote_serial (
    device_id TEXT    NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
    year      INTEGER NOT NULL CHECK (year BETWEEN 1000 AND 9999),
    highest   BIGINT  NOT NULL CHECK (highest >= 1),
    PRIMARY KEY (device_id, year)
);
