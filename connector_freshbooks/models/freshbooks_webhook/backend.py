# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhooks first, polling behind them: *Register webhooks* registers a callback per
noun; FreshBooks sends each callback's verifier, which a job sends back (only then is it
kept); a delivery, its signature checked against the verifiers, queues one import job
per event and record (an identity key: a repeated delivery is one job).

FreshBooks sends a verifier as soon as it registered the callback, often before Odoo
committed the registration: that one finds no callback waiting and is refused. The
registration's job then asks FreshBooks to send it again, and confirms it once it came.
"""

from urllib.parse import urlencode

from odoo import api, fields, models

from odoo.addons.connector_accounting_base.api import errors
from odoo.addons.connector_accounting_base.exceptions import job_errors
from odoo.addons.connector_accounting_base.jobs import connector_job, identity_without_run
from odoo.addons.queue_job.exception import RetryableJobError

from ...api import read_delivery
from ...api.webhooks import SIGNATURE_HEADER, VERIFY, event_of


class FreshBooksBackend(models.Model):
    _inherit = "freshbooks.backend"

    webhook_ids = fields.One2many("freshbooks.webhook", "backend_id", "Webhooks", readonly=True)

    def _webhook_uri(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return f"{base.rstrip('/')}/freshbooks/webhook/{self.id}"

    def action_register_webhooks(self):
        """A callback per noun at FreshBooks, pointing at this database: the ones kept
        here for this address stay; FreshBooks' callbacks of these nouns that point
        elsewhere (an old address, a copy of the database) or that this database does not
        know are deleted at FreshBooks and here, then the missing ones registered."""
        self._check_manager()
        counts = {"registered": 0, "replaced": 0}
        for backend in self:
            client = backend._api_client()
            uri = backend._webhook_uri()
            nouns = backend._nouns()
            with job_errors("FreshBooks"):
                ours = backend.webhook_ids.filtered(lambda w, u=uri: w.uri == u)
                known = set(ours.mapped("callback_id"))
                for callback in client.webhooks():
                    if callback.get("event") in nouns and int(callback["callbackid"]) not in known:
                        client.delete_webhook(callback["callbackid"])
                        counts["replaced"] += 1
                (backend.webhook_ids - ours).sudo().unlink()
                for noun in nouns:
                    if ours.filtered(lambda w, n=noun: w.event == n):
                        continue
                    callback = client.register_webhook(noun, uri)
                    webhook = (
                        backend.env["freshbooks.webhook"]
                        .sudo()
                        .create(
                            {
                                "backend_id": backend.id,
                                "callback_id": int(callback["callbackid"]),
                                "event": noun,
                                "uri": uri,
                            }
                        )
                    )
                    backend._queue_confirmation(webhook, eta=5)
                    counts["registered"] += 1
        return self._notify_queued(
            self.env._(
                "Webhooks: %(registered)s registered (FreshBooks now sends their verifiers), "
                "%(replaced)s callbacks pointing elsewhere deleted at FreshBooks.",
                **counts,
            )
        )

    # -- a delivery -----------------------------------------------------------------------
    def _webhook_ready(self):
        """Whether deliveries can be checked: the business is known."""
        return bool(self.account_id)

    @api.private
    def receive_webhook(self, pairs, headers):
        """A delivery (the form ``pairs`` in the order sent, ``headers`` the request's):
        checked against the verifier of the callback that covers its event (a
        verifier signs only its own event or noun), then queued once per event and
        record within the replay window. Raises the API's errors (the caller answers
        401)."""
        self.ensure_one()
        signed = headers.get(SIGNATURE_HEADER)
        body = urlencode(pairs).encode("ascii")
        webhooks = self.sudo().webhook_ids
        event = event_of(body)
        if event == VERIFY:
            delivery = read_delivery(body, None, None)
        else:
            covering = webhooks.filtered(
                lambda w: w.verified and event and w.event in (event, event.split(".")[0])
            )
            delivery = None
            for webhook in covering:
                try:
                    delivery = read_delivery(body, signed, webhook._secret("verifier"))
                    break
                except errors.AuthenticationError:
                    continue
            if delivery is None:
                message = "A webhook whose signature does not match: refused"
                raise errors.AuthenticationError(message)
        if delivery.account_id != self.account_id:
            message = "A webhook of another FreshBooks business: refused"
            raise errors.AuthenticationError(message)
        if delivery.verifier:
            return self._take_verifier(webhooks, delivery)
        entity = self._nouns().get(delivery.noun)
        if entity:
            self._queue_webhook_event(entity, delivery.name, delivery.object_id)
        return delivery

    def _take_verifier(self, webhooks, delivery):
        """The verifier of a callback this backend registered and is waiting for: kept
        aside until FreshBooks accepts it back (a forged one is refused there)."""
        webhook = webhooks.filtered(
            lambda w: w.callback_id == delivery.object_id and not w.verified
        )
        if not webhook:
            message = "A verifier for no callback waiting for one: refused"
            raise errors.AuthenticationError(message)
        webhook._store_secrets({"pending_verifier": delivery.verifier})
        self._queue_confirmation(webhook)
        return delivery

    def _queue_confirmation(self, webhook, eta=None):
        self.with_delay(
            priority=1,
            eta=eta,
            identity_key=identity_without_run,
            description=f"FreshBooks: confirm the {webhook.event} webhook",
        ).confirm_webhook(webhook)

    @api.private
    @connector_job
    def confirm_webhook(self, webhook):
        """Job: send the callback's verifier back; accepted, it signs its deliveries.
        Without one (it came before the registration was committed), or with one
        FreshBooks does not accept (a forged one), FreshBooks is asked to send it again
        and the job looks again later."""
        webhook = webhook.sudo()
        if webhook.verified:
            return f"Webhook {webhook.event} verified already."
        client = self._api_client()
        verifier = webhook._secret("pending_verifier")
        with job_errors("FreshBooks"):
            try:
                accepted = bool(verifier) and client.confirm_webhook(webhook.callback_id, verifier)
            except errors.ValidationError:  # FreshBooks: "Verifier does not match."
                accepted = False
            if not accepted:
                webhook._store_secrets({"pending_verifier": False})
                client.resend_verifier(webhook.callback_id)
                raise RetryableJobError(
                    "Waiting for FreshBooks to send the webhook's verifier again.", seconds=5
                )
        webhook._store_secrets({"verifier": verifier, "pending_verifier": False})
        webhook.verified = True
        return f"Webhook {webhook.event} verified."
