"""Staff sign-in (/staff/sign-in), the staff landing page and `staff_required`."""
