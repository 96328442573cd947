/** The name of the row in store_mark (SQLite and PostgreSQL) that says the store may hold unvalidated values. */
export const UNVALIDATED_MARK = 'unvalidated-data';
