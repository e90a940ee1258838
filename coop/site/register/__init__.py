"""The board's member register: residents with their home, tenancy and group, move-outs that
lead to a vacancy report, and invitations for everyone without an account (DESIGN 3a)."""
