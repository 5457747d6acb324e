"""The lab widgets' message line (lab.widgets.message): one look for every widget's problems."""
import pytest

from lab.widgets.message import STYLES, MessageLine, message_html


def test_a_problem_is_a_red_warning_sign_and_escaped():
    shown = message_html("leaf 1 says <b> & more")
    assert shown == "<b style='color:#b00'>\u26a0 leaf 1 says &lt;b&gt; &amp; more</b>"
    assert message_html("") == ""


@pytest.mark.parametrize("kind", sorted(STYLES))
def test_every_kind_has_its_sign_and_colour(kind):
    sign, colour = STYLES[kind]
    shown = message_html("done", kind)
    assert shown.startswith(f"<b style='color:{colour}'>{sign} ") and "done" in shown


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind is one of"):
        message_html("done", "shout")


def test_the_line_keeps_the_plain_text_and_clears():
    line = MessageLine()
    assert (line.text, line.kind, line.widget.value) == ("", "", "")
    line.show("max attempts must be a whole number of at least 1.")
    assert line.kind == "error" and line.text == "max attempts must be a whole number of at least 1."
    assert line.widget.value == message_html(line.text)
    line.show("mined", "ok")
    assert line.kind == "ok" and "\u2714 mined" in line.widget.value
    line.clear()
    assert (line.text, line.kind, line.widget.value) == ("", "", "")
    line.show("", "info")
    assert (line.text, line.kind, line.widget.value) == ("", "", "")
