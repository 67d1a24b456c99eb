"""Local accounts, roles, password hashing and the audit log."""
