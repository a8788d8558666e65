from django.core.management.base import BaseCommand

from jembatan.aspirations.reporter import deliver_pending_keys


class Command(BaseCommand):
    help = (
        "Queue the 'your private link' message for every case that existed before reporter "
        "keys and whose reporter left an e-mail or phone number (the hourly task does the "
        "same in batches). Each case is sent once."
    )

    def handle(self, *args, **options) -> None:
        total = 0
        while queued := deliver_pending_keys():
            total += queued
        self.stdout.write(f"{total}")
