"""Setting up an installation in the portal: associations, buildings, units, first board
member, and the staff of an organisation (DESIGN 3a)."""
