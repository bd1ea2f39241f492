-- migrate:up
-- ISO 4217 currencies BillBo can bill in, with the exponent of their minor unit
-- (USD 2: cents; JPY 0; KWD 3: fils). Invoice amounts are integers in these minor units.
create table currencies (
    code char(3) primary key check (code ~ '^[A-Z]{3}$'),
    exponent smallint not null check (exponent between 0 and 4),
    name text not null
);

insert into currencies (code, exponent, name) values
    ('AED', 2, 'UAE Dirham'),
    ('AUD', 2, 'Australian Dollar'),
    ('BHD', 3, 'Bahraini Dinar'),
    ('BRL', 2, 'Brazilian Real'),
    ('CAD', 2, 'Canadian Dollar'),
    ('CHF', 2, 'Swiss Franc'),
    ('CLP', 0, 'Chilean Peso'),
    ('CNY', 2, 'Yuan Renminbi'),
    ('CZK', 2, 'Czech Koruna'),
    ('DKK', 2, 'Danish Krone'),
    ('EUR', 2, 'Euro'),
    ('GBP', 2, 'Pound Sterling'),
    ('HKD', 2, 'Hong Kong Dollar'),
    ('HUF', 2, 'Forint'),
    ('IDR', 2, 'Rupiah'),
    ('ILS', 2, 'New Israeli Sheqel'),
    ('INR', 2, 'Indian Rupee'),
    ('ISK', 0, 'Iceland Krona'),
    ('JOD', 3, 'Jordanian Dinar'),
    ('JPY', 0, 'Yen'),
    ('KRW', 0, 'Won'),
    ('KWD', 3, 'Kuwaiti Dinar'),
    ('MXN', 2, 'Mexican Peso'),
    ('NOK', 2, 'Norwegian Krone'),
    ('NZD', 2, 'New Zealand Dollar'),
    ('OMR', 3, 'Rial Omani'),
    ('PLN', 2, 'Zloty'),
    ('SAR', 2, 'Saudi Riyal'),
    ('SEK', 2, 'Swedish Krona'),
    ('SGD', 2, 'Singapore Dollar'),
    ('THB', 2, 'Baht'),
    ('TND', 3, 'Tunisian Dinar'),
    ('TRY', 2, 'Turkish Lira'),
    ('TWD', 2, 'New Taiwan Dollar'),
    ('USD', 2, 'US Dollar'),
    ('VND', 0, 'Dong'),
    ('ZAR', 2, 'Rand');

-- migrate:down
