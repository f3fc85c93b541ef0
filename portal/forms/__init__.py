"""WTForms classes (one module per area) and the validators they share."""
