"""A person's own data (AVG art. 15 and 20): everything the platform holds about them."""
