"""Changes of circumstances (变更申报, 动态监管): requests about a recipient's benefit."""
