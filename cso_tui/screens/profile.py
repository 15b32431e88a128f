"""The consumer's 360 profile (seed 004): a header with the figures staff need first and the
alerts, then ten tabs that each load their own data the first time they are shown.

Keys: 1-9 and 0 pick a tab, left/right (or [ and ]) step through them, ``u`` updates the
profile, ``a`` opens the quick actions, ``r`` reloads, esc goes back. The screen records how
it was used on leaving (Consumer_Profile_View) and after time on the Financial tab
(Payment_History_Analysis, Compliance_Metric_Review).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static, TabbedContent, TabPane

from cso_tui.formatting import format_money
from cso_tui.screens.base import (
    ConnectionRestored,
    SessionResumed,
    cso_app,
    describe_error,
    is_typing,
)
from cso_tui.screens.edit_consumer import EditConsumerScreen
from cso_tui.screens.profile_actions import (
    ACTIONS,
    ActionForm,
    Done,
    QuickActionsMenu,
    with_catalog,
)
from cso_tui.screens.profile_activity import ActivityPane
from cso_tui.screens.profile_lists import (
    CommunicationPane,
    ComplaintsPane,
    DocumentsPane,
    NotesPane,
    RequestsPane,
    ServicePane,
)
from cso_tui.screens.profile_pane import ProfilePane
from cso_tui.screens.profile_summary import ConnectionsPane, FinancialPane, OverviewPane
from cso_tui.screens.profile_text import alert_badge, long_date
from cso_tui.services.errors import NotFoundError, SessionExpiredError, UnavailableError
from cso_tui.widgets.badges import (
    CONSUMER_STATUS,
    PAYMENT_STANDING,
    VIP_LABEL,
    Badge,
    StatusBadge,
    badge_for,
    badge_text,
    tone_styles,
)

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.schemas import ConsumerProfile, ConsumerSummary

#: The tabs in the seed's order; keys 1-9 then 0 pick them.
PANES: tuple[type[ProfilePane], ...] = (
    OverviewPane,
    FinancialPane,
    ConnectionsPane,
    ServicePane,
    ComplaintsPane,
    RequestsPane,
    CommunicationPane,
    DocumentsPane,
    NotesPane,
    ActivityPane,
)
TAB_KEYS = "1234567890"
TAB_IDS = tuple(pane.TAB for pane in PANES)
#: From this width the tabs show their full names and counts.
WIDE_TABS = 110


def tab_label(pane: type[ProfilePane], profile: ConsumerProfile | None, wide: bool) -> str:
    if not wide:
        return pane.SHORT
    count = getattr(profile.counts, pane.COUNT) if profile and pane.COUNT else None
    return f"{pane.TITLE} {count}" if count else pane.TITLE


class ProfileHeader(Vertical):
    """Name, VIP mark, account no, status; balance and last billed date; the alerts."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="ph-title"):
            yield Label("", id="ph-name")
            yield Label(VIP_LABEL, id="ph-vip")
            yield Label("", id="ph-account")
            yield StatusBadge(id="ph-status")
        yield Static("", id="ph-figures")
        yield Static("", id="ph-alerts")

    def on_mount(self) -> None:
        self.query_one("#ph-vip").display = False
        self.query_one("#ph-status").display = False

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.query_one("#ph-name", Label).update(Text(text, style="bold"))
        self.set_class(error, "-error")
        for hidden in ("#ph-vip", "#ph-status", "#ph-figures", "#ph-alerts"):
            self.query_one(hidden).display = False

    def show_profile(self, profile: ConsumerProfile, display: DisplaySettings) -> None:
        styles = tone_styles(self.app)
        self.set_class(False, "-error")
        self.query_one("#ph-name", Label).update(Text(profile.name, style="bold"))
        self.query_one("#ph-vip", Label).display = profile.vip
        self.query_one("#ph-account", Label).update(profile.account_no)
        status = self.query_one("#ph-status", StatusBadge)
        status.show(badge_for(profile.status, CONSUMER_STATUS))
        status.display = True
        standing = badge_for(profile.payment_standing, PAYMENT_STANDING)
        figures = self.query_one("#ph-figures", Static)
        figures.update(
            Text.assemble(
                ("Balance ", "dim"),
                (format_money(profile.balance, display.currency_symbol), "bold"),
                ("  ·  Last billed ", "dim"),
                long_date(profile.last_billed_on, display) if profile.last_billed_on else "never",
                ("  ·  ", "dim"),
                badge_text(standing, styles),
            )
        )
        figures.display = True
        alerts = self.query_one("#ph-alerts", Static)
        line = Text()
        for alert in profile.alerts:
            badge = alert_badge(alert.kind, alert.severity)
            if line:
                line.append("   ")
            words = Badge(badge.symbol, alert.text, alert.text, badge.tone)
            line.append_text(badge_text(words, styles))
        alerts.update(line)
        alerts.display = bool(profile.alerts)


class ProfileTabs(TabbedContent):
    """Tabs that follow the focus only while it is still there. A focus given to a tab's
    content after the keys had moved on (its data came late) would otherwise pull the tabs
    back to it: "7" then "8" in quick succession ended on tab 7."""

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors:
            event.prevent_default()  # stale: TabbedContent's own handler would switch back
            event.stop()


class ProfileScreen(Screen[None]):
    HELP_TITLE = "Consumer profile"
    CSS_PATH = "profile.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_TABS, "-wide")]

    BINDINGS = [
        # each tab's own keys, live while that tab is shown (check_action); first in the footer
        # priority, like the tab numbers: "9n" or "0sPAY" in one burst (see focus_now)
        *(
            replace(binding, action=f"pane_key('{pane.TAB}', '{binding.action}')", priority=True)
            for pane in PANES
            for binding in pane.KEYS
        ),
        Binding("escape", "back", "Back", id="profile.back"),
        Binding("u", "update", "Update profile", id="profile.update"),
        Binding("a", "actions", "Actions", tooltip="Quick actions menu", id="profile.actions"),
        Binding("r", "reload", "Reload", show=False, id="profile.reload"),
        Binding(
            "left,left_square_bracket",
            "previous_tab",
            "Previous tab",
            show=False,
            id="profile.previous_tab",
        ),
        Binding(
            "right,right_square_bracket", "next_tab", "Next tab", show=False, id="profile.next_tab"
        ),
        *(
            Binding(key, f"show_tab('{pane.TAB}')", f"{pane.TITLE} tab", show=False,
                    priority=True, id=f"profile.tab_{pane.TAB}")
            for key, pane in zip(TAB_KEYS, PANES, strict=True)
        ),
    ]  # fmt: skip

    class ProfileLoaded(Message):
        def __init__(
            self, seq: int, profile: ConsumerProfile, catalog: dict[str, list[str]] | None
        ) -> None:
            super().__init__()
            self.seq = seq
            self.profile = profile
            self.catalog = catalog

    class ProfileFailed(Message):
        def __init__(self, seq: int, error: BaseException) -> None:
            super().__init__()
            self.seq = seq
            self.error = error

    class SummaryLoaded(Message):
        def __init__(self, summary: ConsumerSummary | None, error: BaseException | None) -> None:
            super().__init__()
            self.summary = summary
            self.error = error

    def __init__(self, account_no: str) -> None:
        super().__init__()
        self.account_no = account_no.strip().upper()
        self.sub_title = f"Consumer profile · {self.account_no}"
        self.profile: ConsumerProfile | None = None
        self.profile_seq = 0
        self.profile_error: BaseException | None = None
        self.missing = False
        self.current_tab = ""
        # behaviour tracking (seed 004 s.12)
        self.opened_at = time.monotonic()
        self.tabs_accessed: list[str] = []
        self.actions_taken = 0
        self.financial_since: float | None = None
        self.recorded = False
        self.editing = False
        self.catalog: dict[str, list[str]] | None = None  # the office's pick lists

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        display = cso_app(self).settings.display
        yield Header(show_clock=False, icon="≡")
        yield ProfileHeader(id="profile-header")
        with ProfileTabs(id="profile-tabs", initial=f"tab-{TAB_IDS[0]}"):
            for pane in PANES:
                with TabPane(pane.SHORT, id=f"tab-{pane.TAB}"):
                    yield pane(self.account_no, display)
        yield Footer()

    def on_mount(self) -> None:
        self.header.show_message(f"Loading {self.account_no}…")
        self._relabel()
        self.load_profile()
        self._tab_shown(TAB_IDS[0])

    @property
    def header(self) -> ProfileHeader:
        return self.query_one("#profile-header", ProfileHeader)

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#profile-tabs", TabbedContent)

    def pane(self, tab: str) -> ProfilePane:
        return self.query_one(f"#pane-{tab}", ProfilePane)

    @property
    def panes(self) -> list[ProfilePane]:
        return list(self.query(ProfilePane))

    @property
    def subject(self) -> str:
        name = self.profile.name if self.profile else ""
        return f"{name} ({self.account_no})" if name else self.account_no

    def _relabel(self) -> None:
        wide = self.size.width >= WIDE_TABS
        tabs = self.tabs
        for pane in PANES:
            tabs.get_tab(f"tab-{pane.TAB}").label = tab_label(pane, self.profile, wide)

    def on_resize(self, _event: events.Resize) -> None:
        self._relabel()

    # ------------------------------------------------------------ the profile

    def load_profile(self) -> None:
        self.profile_seq += 1
        self.profile_error = None
        self._fetch_profile(self.profile_seq)

    @work(thread=True, exit_on_error=False, group="profile")
    def _fetch_profile(self, seq: int) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            profile = backend.get_profile(session.token, self.account_no)
        except Exception as exc:
            self.post_message(self.ProfileFailed(seq, exc))
            return
        catalog = self.catalog
        if catalog is None:  # the forms' pick lists, once: the defaults while it fails
            try:
                catalog = backend.catalog(session.token)
            except Exception as exc:
                self.log.warning(f"catalog not loaded, the forms offer the defaults: {exc}")
        self.post_message(self.ProfileLoaded(seq, profile, catalog))

    @on(ProfileLoaded)
    def _profile_loaded(self, message: ProfileLoaded) -> None:
        if message.seq != self.profile_seq:
            return
        profile = self.profile = message.profile
        self.catalog = message.catalog or self.catalog
        self.missing = False
        self.remove_class("-missing")
        self.header.show_profile(profile, cso_app(self).settings.display)
        self.sub_title = f"Consumer profile · {profile.name} ({profile.account_no})"
        self._relabel()
        for pane in self.panes:
            pane.set_profile(profile)
        if self.current_tab:
            self.pane(self.current_tab).ensure_loaded()
        self.refresh_bindings()

    @on(ProfileFailed)
    def _profile_failed(self, message: ProfileFailed) -> None:
        if message.seq != self.profile_seq:
            return
        error = self.profile_error = message.error
        cso_app(self).backend_trouble(error)
        if isinstance(error, NotFoundError):
            self.missing = True
            self.add_class("-missing")
            self.header.show_message(
                f"{error.message} It may have been removed or its number mistyped. "
                "Press esc to go back.",
                error=True,
            )
        elif self.profile is not None:
            self.notify(
                f"Cannot refresh {self.account_no}: {describe_error(error)}",
                title="Profile not refreshed",
                severity="warning",
            )
        elif isinstance(error, SessionExpiredError | UnavailableError):
            self.header.show_message(
                f"Cannot load {self.account_no}: {describe_error(error)} It loads again once "
                "you are connected.",
                error=True,
            )
        else:
            self.header.show_message(
                f"Cannot load {self.account_no}: {describe_error(error)} (r to retry)",
                error=True,
            )
        self.refresh_bindings()

    # ------------------------------------------------------------ tabs

    @on(TabbedContent.TabActivated, "#profile-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane_id = event.pane.id or ""
        if pane_id != self.tabs.active:
            return  # keys stepped on past this tab before its message arrived
        self._tab_shown(pane_id.removeprefix("tab-"))

    def _tab_shown(self, tab: str) -> None:
        if tab not in TAB_IDS:
            return
        if tab != self.current_tab:
            if self.current_tab == "financial":
                self._financial_left()
            if tab == "financial":
                self.financial_since = time.monotonic()
            self.current_tab = tab
            if tab not in self.tabs_accessed:
                self.tabs_accessed.append(tab)
            self.refresh_bindings()  # the footer shows the new tab's keys
        pane = self.pane(tab)
        pane.ensure_loaded()
        # Focus now, not after the refresh: keys already queued (typed in one burst with the
        # tab's number) go to whatever has the focus when they are read. Again after the
        # refresh, when content shown only now can take it.
        pane.take_focus(or_none=True)
        self.call_after_refresh(pane.take_focus)

    def action_show_tab(self, tab: str) -> None:
        if self.missing:
            return
        self.tabs.active = f"tab-{tab}"
        self._tab_shown(tab)

    def _step_tab(self, step: int) -> None:
        index = TAB_IDS.index(self.current_tab) if self.current_tab in TAB_IDS else 0
        self.action_show_tab(TAB_IDS[(index + step) % len(TAB_IDS)])

    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_previous_tab(self) -> None:
        self._step_tab(-1)

    def action_reload(self) -> None:
        self.load_profile()
        if self.current_tab:
            pane = self.pane(self.current_tab)
            pane.mark_stale()
            pane.load()

    # ------------------------------------------------------------ quick actions

    def action_actions(self) -> None:
        if self.profile is None:
            return
        self.app.push_screen(QuickActionsMenu(self.subject), self._action_chosen)

    def _action_chosen(self, action: str | None) -> None:
        if action is not None:
            self.open_action(action)

    def on_profile_pane_action_requested(self, message: ProfilePane.ActionRequested) -> None:
        message.stop()
        self.open_action(message.action)

    def open_action(self, action: str) -> None:
        """Open the form of ``action`` (a key of :data:`ACTIONS`)."""
        if self.profile is None:
            return
        spec = with_catalog(ACTIONS[action], self.catalog)
        started = time.monotonic()

        def finished(done: Done | None) -> None:
            self._record_action(spec.key, started, done is not None)
            if done is not None:
                self._action_done(done)

        self.app.push_screen(ActionForm(spec, self.account_no, self.subject), finished)

    def _action_done(self, done: Done) -> None:
        self.actions_taken += 1
        self.notify(done.message, title=done.title)
        for tab in (done.tab, "activity"):
            pane = self.pane(tab)
            pane.mark_stale()
            if tab == self.current_tab:
                pane.load()
        self.load_profile()  # counts, alerts

    def _record_action(self, action_type: str, started: float, success: bool) -> None:
        cso_app(self).record_usage(
            "Quick_Action_Usage",
            {
                "action_type": action_type,
                "consumer_id": self.account_no,
                "completion_time": round(time.monotonic() - started, 1),
                "success": success,
            },
        )

    # ------------------------------------------------------------ update profile

    def action_update(self) -> None:
        if self.profile is None or self.editing:
            return
        self.editing = True
        self._edit_started = time.monotonic()
        self._fetch_summary()

    @work(thread=True, exit_on_error=False, group="profile-summary")
    def _fetch_summary(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            summary = backend.get_consumer(session.token, self.account_no)
        except Exception as exc:
            self.post_message(self.SummaryLoaded(None, exc))
            return
        self.post_message(self.SummaryLoaded(summary, None))

    @on(SummaryLoaded)
    def _summary_loaded(self, message: SummaryLoaded) -> None:
        if message.summary is None:
            self.editing = False
            error = message.error
            assert error is not None
            if not cso_app(self).backend_trouble(error):
                self.notify(
                    f"Cannot open the profile form: {describe_error(error)}",
                    title="Update profile",
                    severity="error",
                )
            return
        self.app.push_screen(EditConsumerScreen(message.summary), self._edited)

    def _edited(self, summary: ConsumerSummary | None) -> None:
        self.editing = False
        self._record_action("update_profile", self._edit_started, summary is not None)
        if summary is not None:
            self.actions_taken += 1
            pane = self.pane("activity")
            pane.mark_stale()
            self.load_profile()

    # ------------------------------------------------------------ after a pause

    def on_session_resumed(self, _message: SessionResumed) -> None:
        self._retry()

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        self._retry()

    def _retry(self) -> None:
        """Load again what failed while the session or the server was away."""
        if self.profile_error is not None and not self.missing:
            self.load_profile()
        for pane in self.panes:
            if pane.state == "failed":
                pane.state = "idle"
                if self.current_tab == pane.TAB:
                    pane.load()

    # ------------------------------------------------------------ leaving

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input | Select) and self.current_tab:
            # from a filter or search box: back to the tab's content first
            target = self.pane(self.current_tab).focus_target()
            if target is not None and target is not focused:
                target.focus()
                return
        self.dismiss()

    def on_unmount(self) -> None:
        self._record_leaving()

    def _financial_left(self) -> None:
        since, self.financial_since = self.financial_since, None
        if since is None:
            return
        app = cso_app(self)
        duration = round(time.monotonic() - since, 1)
        app.record_usage(
            "Payment_History_Analysis",
            {"consumer_id": self.account_no, "analysis_duration": duration},
        )
        profile = self.profile
        app.record_usage(
            "Compliance_Metric_Review",
            {
                "consumer_id": self.account_no,
                "compliance_percentage": profile.compliance if profile else None,
                "trend_analysis": profile.usage_variance if profile else None,
            },
        )

    def _record_leaving(self) -> None:
        if self.recorded:
            return
        self.recorded = True
        try:
            if self.current_tab == "financial":
                self._financial_left()
            cso_app(self).record_usage(
                "Consumer_Profile_View",
                {
                    "consumer_id": self.account_no,
                    "view_duration": round(time.monotonic() - self.opened_at, 1),
                    "tabs_accessed": list(self.tabs_accessed),
                    "actions_taken": self.actions_taken,
                },
            )
        except Exception as exc:  # the app is closing: tracking never stops it
            self.log.warning(f"profile usage not recorded: {exc}")

    # ------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("update", "actions"):
            return self.profile is not None and not self.missing
        if action == "show_tab":
            return not self.missing and not is_typing(self)  # (a digit in a box is text)
        if action in ("next_tab", "previous_tab", "reload"):
            return not self.missing or action == "reload"
        if action == "pane_key":
            tab, pane_action = parameters
            if tab != self.current_tab or self.missing or is_typing(self):
                return False  # another tab's key, or a letter typed in a box
            return self.pane(str(tab)).check_action(str(pane_action), ())
        return True

    async def action_pane_key(self, tab: str, action: str) -> None:
        """A tab's own key (see ``ProfilePane.KEYS``), handed to the tab shown."""
        await self.app.run_action(action, self.pane(tab))
