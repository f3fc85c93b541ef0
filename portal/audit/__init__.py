"""The audit log: every staff view and action, written in the caller's transaction, and the
hash chain that keeps it from being rewritten."""
