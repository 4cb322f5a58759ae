"""Encryption and storage: key slots, the SQLCipher connection, migrations and profiles."""
