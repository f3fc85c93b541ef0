"""Accounts: who signs in (residents, family members, staff), passwords, one-time codes,
the staff second factor, and the ways an account reaches a person's records (person links,
family grants, the family look-up)."""
