// The PostgreSQL pool, migrations and transactions (filled in below).
export {};
