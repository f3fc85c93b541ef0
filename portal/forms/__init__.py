"""WTForms classes (one module per area) and the validators they share: `validators` holds
the checks for what residents type in applications (ID numbers, certificate numbers, bank
cards, names, dates); `account_validators` those of the account forms (mobile numbers,
passwords, one-time codes)."""
