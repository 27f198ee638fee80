/** The demo accounts' password in every test database. */
export const TEST_PASSWORD = 'terrace-test-pass';
