"""WTForms classes. `validators` holds the checks for what residents type (ID numbers, certificate
numbers, mobile numbers, bank cards, names, dates); one module per area holds its forms."""
