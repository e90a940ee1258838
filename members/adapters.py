from allauth.account.adapter import DefaultAccountAdapter


class InvitationAccountAdapter(DefaultAccountAdapter):
    pass
