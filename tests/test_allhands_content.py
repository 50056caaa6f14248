"""All-Hands content: the endings name the choice that ended the day, the prose says nothing false
about the state it is shown in, and the all-hands room does not repeat itself on a return.

Each test plays the shipped world through the public API and reads what the player would read.
The walkthroughs in worlds/allhands/tests/ check that each ending is reached and opens with its
deciding choice; these tests cover what a walkthrough cannot say: that a text is *not* shown.
"""

import pytest

from adventure import Game, load_world

from conftest import WORLDS


@pytest.fixture(scope="module")
def world():
    return load_world(WORLDS / "allhands")


def norm(text: str) -> str:
    return " ".join(text.split())


class Play:
    """A game played move by move, keeping what each move showed (whitespace normalised)."""

    def __init__(self, world, moves=()):
        self.game = Game(world, seed=0)
        self.shown: list[str] = []
        for m in moves:
            self.move(m)

    def move(self, choice_id: str) -> str:
        events = self.game.choose(choice_id)
        text = norm("\n".join(getattr(e, "text", "") or "" for e in events))
        self.shown.append(text)
        return text

    @property
    def last(self) -> str:
        return self.shown[-1]

    @property
    def all(self) -> str:
        return " ".join(self.shown)

    def ids(self) -> list[str]:
        return [c["id"] for c in self.game.choices() if c["enabled"]]

    def labels(self) -> list[str]:
        return [norm(c["label"]) for c in self.game.choices()]

    @property
    def ending(self):
        return self.game.state.ending

    def value(self, name):
        return self.game.values()[name]


# Moves that reach a state, reused below
MERGE_FROM_KITCHEN = ["ide", "config", "review", "merge"]
CAT_AND_CHAT = ["join-link", "listen", "listen", "let-cat", "chat", "quiet-part", "back"]


# ---------------------------------------------------------------- 1. the deciding choice


def test_only_the_stand_up_log_off_leaves_the_ending_to_the_days_state(world):
    ends = {f"{rid}.{c.id}": c.end for rid, r in world.rooms.items() for c in r.choices if c.end is not None}
    assert ends == {"standup.log-off": True,
                    "recruiter.accept": "offer-accepted",
                    "sandbox.close-laptop": "sandbox-escape",
                    "crash.leave-off": "aligned-to-mortgage"}


@pytest.mark.parametrize("moves,ending,opening,not_shown", [
    # the defects as reported: the day's state used to outrank the last choice
    (MERGE_FROM_KITCHEN + ["back", "back-kitchen", "backchannel-late", "recruiter", "ask-offer", "accept"],
     "offer-accepted", "You accept the offer.", "You close the laptop very slowly"),
    (["join-link", "ide", "loss", "warden", "introduce", "back-call", "backchannel", "recruiter", "ask-offer", "accept"],
     "offer-accepted", "You accept the offer.", "Still not bothered."),
    (CAT_AND_CHAT + MERGE_FROM_KITCHEN + ["back", "reproduce", "leave-off"],
     "aligned-to-mortgage", "You leave the laptop off and go and stand in the garden.", "You close the laptop very slowly"),
    # logging off after the merge: the merge decides, and the ending still fits logging off
    (MERGE_FROM_KITCHEN + ["back", "back-kitchen", "join-app", "leave-early", "log-off"],
     "sandbox-escape", "You close the laptop very slowly", "go and stand in the garden"),
])
def test_the_ending_opens_with_the_choice_that_ended_the_day(world, moves, ending, opening, not_shown):
    p = Play(world, moves)
    assert p.ending == ending
    assert p.last.startswith(opening)
    assert not_shown not in p.last


def test_the_garden_is_offered_only_after_the_cat_and_the_chat(world):
    plain = Play(world, ["join-link", "ide", "reproduce"])
    assert plain.game.state.room == "crash" and "leave-off" not in plain.ids()
    assert "rejoin" in plain.ids()  # and the crash still has a way out
    secret = Play(world, CAT_AND_CHAT + ["ide", "reproduce"])
    assert "leave-off" in secret.ids()


def test_logging_off_after_the_cat_the_chat_and_a_crash_does_not_claim_the_garden(world):
    p = Play(world, CAT_AND_CHAT + ["ide", "reproduce", "rejoin", "leave-early", "log-off"])
    assert p.ending != "aligned-to-mortgage"
    assert "garden" not in p.last and p.last.startswith("You log off")


# ---------------------------------------------------------------- 2. nothing false about the state


def test_a_crash_before_the_call_does_not_miss_fourteen_hundred_people(world):
    early = Play(world, ["ide", "reproduce"])
    assert "fourteen hundred" not in early.last
    assert "the all-hands has started without you" in early.last
    during = Play(world, ["join-link", "ide", "reproduce"])
    assert "fourteen hundred people in the kitchen with you" in during.last
    standup = Play(world, ["join-link", "leave-early", "ide", "reproduce"])
    assert "fourteen hundred" not in standup.last and "fourteen people" in standup.last


def test_renatas_statement_does_not_date_itself(world):
    p = Play(world, ["join-link", "ide", "loss", "back-call", "dm", "tell-loss", "back-call", "listen",
                     "listen", "listen", "listen", "listen", "listen", "form"])
    assert p.game.state.room == "rto_form"
    assert "Manager's statement: Renata" in p.last
    assert "an hour ago" not in p.last


def test_sandbox_toml_says_true_after_the_merge(world):
    before = Play(world, ["ide", "config"])
    assert "allow_network = false" in before.last and "allow_network = true" not in before.last
    after = Play(world, MERGE_FROM_KITCHEN + ["back", "config"])
    assert "allow_network = true" in after.last
    assert "allow_network = false" not in after.last and "one open pull request" not in after.last
    assert "soothing shade of teal" not in after.shown[-2]  # the IDE: the monitor has stopped


def test_the_pull_request_diff_is_not_claimed_seen_before_the_review(world):
    p = Play(world, ["ide", "loss", "resume", "config"])  # three escape attempts, no review
    assert p.value("escape_attempts") >= 3
    assert "You have seen the pull request's diff" not in p.last and "false to true" not in p.last


def test_dorian_does_not_scroll_past_a_question_already_asked(world):
    p = Play(world, ["join-app"] + ["listen"] * 7 + ["ask", "chat"])
    assert "he scrolled past it again" not in p.last and "oh my god they asked it" in p.last
    p.move("back")
    assert "scrolls past it twice" not in p.all.split("You unmute.")[-1]
    assert "small grey tick" in p.last


def test_backchannel_is_before_the_all_hands_only_before_ten(world):
    start = Play(world)
    assert "Check Backchannel before it starts" in start.labels()
    late = Play(world, ["feed-cat"])  # 10:01
    assert late.value("time") >= 2
    assert "Check Backchannel before it starts" not in late.labels()
    assert "backchannel-late" in late.ids()
    back = Play(world, ["backchannel", "offers"])
    assert not any("about to start" in label for label in back.labels())


def test_skyes_dm_is_unread_only_until_it_is_read(world):
    p = Play(world, ["backchannel"])
    assert "Open your unread DM from a Gannet recruiter" in p.labels()
    p.move("recruiter")
    p.move("back")
    assert not any("unread" in label for label in p.labels())
    p.move("skye")
    assert "Sorry. Can I ask you something" not in p.last and "where you left it" in p.last


def test_simulation_theory_lists_only_what_the_player_could_use(world):
    kitchen = Play(world)
    opening = norm(" ".join(getattr(e, "text", "") or "" for e in kitchen.game.opening))
    assert "yogurt" in opening  # the yogurt the all-hands lets you eat is on the table from the start
    p = Play(world, ["join-link", "leave-early", "intern", "evidence", "agree", "back-standup", "ide", "loss",
                     "back-standup", "log-off"])
    assert p.ending == "simulation"
    assert "which you can drink or not drink" not in p.last
    assert "yogurt" in p.last
    drinks = [c for r in world.rooms.values() for c in r.choices if "drink" in c.say.source.lower()]
    assert drinks == []  # so the ending is right to say nothing offered it


def test_the_stand_up_booked_for_10_45_explains_an_early_start(world):
    early = Play(world, ["join-app", "leave-early"])
    assert early.value("time") < 47
    assert "It is not yet 10:45" in early.last
    late = Play(world, ["join-app"] + ["listen"] * 8 + ["standup"])
    assert late.value("time") >= 47
    assert "It is not yet 10:45" not in late.last and "booked for 10:45, and began then" in late.last


def test_the_stand_up_booking_is_not_forty_minutes_from_any_time(world):
    p = Play(world, ["join-app", "leave-early", "next", "next", "next", "next"])
    assert "still forty minutes booked" not in p.last
    assert "booked until 13:45" in p.last
    over = Play(world, ["join-app", "leave-early", "next", "another-item", "next", "next", "next"])
    assert over.value("time") >= 227 and "The booking ran out at 13:45." in over.last


def test_a_long_detour_on_item_two_says_the_call_has_overrun(world):
    p = Play(world, ["join-link", "listen", "ide", "logs", "trace", "commits", "back", "loss", "config", "review",
                     "request-changes", "back", "warden", "how", "back-call", "backchannel", "offers", "back-call"])
    assert p.value("agenda") == 2 and p.value("time") >= 47
    assert "booked to end at 10:45" in p.last


# ---------------------------------------------------------------- 3. returning to the call


SECTIONS = ["Item one of nine: the opening.", "Item two of nine: capabilities.", "Item three of nine: safety.",
            "Item four of nine: product.", "Item five of nine: operations.", "Item six of nine: research.",
            "Item seven of nine: people.", "Item eight of nine: questions.", "Item nine of nine: one more thing."]
SAFETY = SECTIONS[2]


@pytest.mark.parametrize("agenda", range(1, 10))
def test_coming_back_to_the_call_is_one_line_not_the_speech_again(world, agenda):
    p = Play(world, ["join-app"] + ["listen"] * (agenda - 1))
    heading = SECTIONS[agenda - 1]
    assert p.last.count(heading) == 1
    p.move("dm")
    p.move("back-call")
    assert heading not in p.last
    assert "Back in the call" in p.last or "The slides are up" in p.last


def test_the_cat_does_not_replay_the_safety_segment(world):
    p = Play(world, ["join-link", "listen", "listen", "let-cat", "chat", "back"])
    assert p.all.count(SAFETY) == 1
    assert p.game.state.room == "allhands"


def test_a_new_speaker_after_a_return_gets_the_full_introduction(world):
    p = Play(world, ["join-app", "listen", "dm", "back-call", "listen"])
    assert SAFETY in p.last and "Back in the call" not in p.last
    p = Play(world, ["join-app", "listen", "ide", "reproduce", "rejoin"])  # a crash skips ahead a speaker
    assert p.value("agenda") == 3 and SAFETY in p.last and "Back in the call" not in p.last
