"""Residents' and family members' accounts: register, sign in and out, passwords, time-out."""
