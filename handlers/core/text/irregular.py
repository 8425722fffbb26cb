"""English irregular verb forms, mapped to the base form before stemming.

Snowball stems by suffix, so "wrote" and "written" never meet "write": a question asking
who *wrote* something misses the page saying it was *written* by them. Only forms that
are not also common words of another meaning are listed ("left", "found", "saw" are not).
"""

from __future__ import annotations

_FORMS = {
    "write": "wrote written",
    "run": "ran",
    "begin": "began begun",
    "break": "broke broken",
    "bring": "brought",
    "build": "built",
    "buy": "bought",
    "choose": "chose chosen",
    "draw": "drew drawn",
    "drive": "drove driven",
    "eat": "ate eaten",
    "fall": "fell fallen",
    "forget": "forgot forgotten",
    "freeze": "froze frozen",
    "give": "gave given",
    "go": "went gone",
    "grow": "grew grown",
    "hide": "hid hidden",
    "hold": "held",
    "keep": "kept",
    "know": "knew known",
    "lose": "lost",
    "make": "made",
    "mean": "meant",
    "pay": "paid",
    "say": "said",
    "see": "seen",
    "send": "sent",
    "show": "shown",
    "sell": "sold",
    "speak": "spoke spoken",
    "spend": "spent",
    "stand": "stood",
    "steal": "stole stolen",
    "take": "took taken",
    "teach": "taught",
    "think": "thought",
    "throw": "threw thrown",
    "tell": "told",
    "understand": "understood",
    "wear": "wore worn",
    "catch": "caught",
    "seek": "sought",
    "fight": "fought",
    "feed": "fed",
    "lead": "led",
    "rise": "rose risen",
    "shake": "shook shaken",
    "sing": "sang sung",
    "swim": "swam swum",
    "tear": "tore torn",
    "forbid": "forbade forbidden",
    "undo": "undid undone",
    "rewrite": "rewrote rewritten",
    "overwrite": "overwrote overwritten",
}

BASE_FORM: dict[str, str] = {form: base for base, forms in _FORMS.items() for form in forms.split()}
