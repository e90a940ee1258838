"""``manage.py verify_tally``: recount closed voting rounds from their ballots, check the digests.

Prints one line per round, "ok" or "MISMATCH" with the reason, and the digest it checked, so
that members can compare it with the digest in their round-closed e-mail (a copy held outside
the database). Exits non-zero when any round does not verify, so that a cron job or an auditor
notices (QUALITY reliability 2).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from vacancies import selectors
from vacancies.ballots import BallotKeyError
from vacancies.models import VotingRound


class Command(BaseCommand):
    help = "Recount closed voting rounds from their stored ballots and compare with the tally."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--round",
            dest="rounds",
            type=int,
            action="append",
            default=[],
            metavar="ID",
            help="Verify this round only (repeatable). Default: every closed round.",
        )

    def handle(self, *args, rounds: list[int], **options) -> None:
        if rounds:
            found = VotingRound.objects.filter(pk__in=rounds)
        else:
            found = VotingRound.objects.filter(status=VotingRound.Status.CLOSED)
        found = list(found.select_related("vacancy__unit__building").order_by("pk"))
        failures = [
            f"round {pk}: MISMATCH (no such round)"
            for pk in sorted(set(rounds) - {r.pk for r in found})
        ]
        for line in failures:
            self.stdout.write(line)
        for voting_round in found:
            problem, recounted = self._problem(voting_round)
            label = f"round {voting_round.pk} ({voting_round})"
            if problem:
                line = f"{label}: MISMATCH ({problem})"
                if voting_round.digest:
                    line += f"; stored digest {voting_round.digest}"
                if recounted and recounted != voting_round.digest:
                    line += f"; recounted digest {recounted}"
                failures.append(line)
                self.stdout.write(line)
            else:
                self.stdout.write(f"{label}: ok, digest {voting_round.digest}")
        if not found and not rounds:
            self.stdout.write("No closed rounds to verify.")
        if failures:
            raise CommandError(f"{len(failures)} round(s) did not verify.")

    def _problem(self, voting_round: VotingRound) -> tuple[str, str]:
        """Why the round does not verify ("" when it does), and the recounted digest."""
        if voting_round.status != VotingRound.Status.CLOSED:
            return "the round is not closed, so it has no tally yet", ""
        try:
            check = selectors.tally_check(voting_round)
        except BallotKeyError:
            # A changed BALLOT_KEY or an altered row: say so instead of printing a traceback.
            return "a ballot cannot be opened with the configured ballot key", ""
        if check.verified:
            return "", check.digest
        return "the recount differs from the stored tally or digest", check.digest
