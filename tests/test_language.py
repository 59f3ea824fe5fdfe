"""A question in another language than the documents' (rag/language.py, Retriever._asked_in): said, and its everyday
words are no names the documents lack. Real wordfreq tables, a fake embedder, tiny indexes."""
from __future__ import annotations

from rag.build import build
from rag.language import language_of
from rag.retrieve import Retriever
from rag.store import load

from conftest import FakeEmbedder

ENGLISH = ("Question: Will Germany keep buying Russian gas?\n\nSergey Lavrov: Take Nord Stream 2. Germany is a US "
           "ally, and the pipeline is ready; the decision is theirs.\n\nQuestion: And NATO?\n\nSergey Lavrov: We are "
           "against NATO moving closer to our borders, and we said so in our proposals.\n")
FRENCH = ("Julien Moreau : Vous êtes allée aux Pays-Bas ?\n\nHélène Lefèvre : Oui, à Dordrecht, en septembre, avec "
          "deux adjoints. Nous avons vu les digues et les bassins.\n\nJulien Moreau : Et les assurances ?\n\n"
          "Hélène Lefèvre : Une famille a vu sa prime passer de 480 à 1 900 euros par an.\n")


def _index(tmp_path, files: dict[str, str]) -> Retriever:
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    build(paths, FakeEmbedder(), folder=tmp_path / "idx")
    embedder = FakeEmbedder()
    return Retriever(load(tmp_path / "idx", embedder=embedder), embedder)


def test_the_language_of_a_question():
    assert language_of("Was sagte er über Deutschland und Nord Stream 2?") == "de"
    assert language_of("Что Лавров сказал о НАТО?") == "ru"
    assert language_of("Qu'a dit la maire sur les Pays-Bas ?") == "fr"
    assert language_of("What did Lavrov say about NATO?") == "en"
    assert language_of("Nord Stream 2") is None          # names alone say no language


def test_a_question_in_another_language_is_said_and_its_words_are_no_missing_names(tmp_path):
    """A seminar's German question of the English transcript found the right passage, marked low confidence, under
    "The transcript never mentions 'sagte', 'über', 'Deutschland' or 'und'"; a Russian one, "never mentions 'Что
    Лавров'". It says the question seems to be in German, and names none of its everyday words as missing; an
    English question says nothing of languages."""
    r = _index(tmp_path, {"pc.txt": ENGLISH})
    german = r.search("Was sagte er über Deutschland und Nord Stream 2?", 3)
    assert german.notices[0].startswith("The question seems to be in German, the transcript in English: ")
    assert not set(german.missing_terms) & {"sagte", "über", "Deutschland", "und"}
    russian = r.search("Что Лавров сказал о НАТО?", 3)
    assert russian.notices[0].startswith("The question seems to be in Russian, the transcript in English")
    english = r.search("What did Lavrov say about Mongolia?", 3)
    assert not any("seems to be in" in n for n in english.notices) and "Mongolia" in english.missing_terms


def test_a_french_question_of_french_documents_names_no_french_word_missing(tmp_path):
    """A researcher's French interview among English documents: "Qu'a dit la maire sur les Pays-Bas ?" said "No
    document mentions 'dit'", an everyday French word read as a rare English one. The documents are in English and
    French, so nothing is said of the question's language either."""
    r = _index(tmp_path, {"pc.txt": ENGLISH, "fr.txt": FRENCH})
    asked = r.search("Qu'a dit la maire sur les Pays-Bas ?", 3)
    assert "dit" not in asked.missing_terms and not any("seems to be in" in n for n in asked.notices)
    german = r.search("Was sagte die Bürgermeisterin über die Niederlande?", 3)
    assert german.notices[0].startswith("The question seems to be in German, the documents in English and French")


def test_an_english_question_naming_foreign_titles_is_english_and_foreign_words_are_no_missing_names(tmp_path):
    """(A hostile review of the notice: "Lavrov on Die Welt and Der Spiegel" and "Did Lavrov comment on La Repubblica
    or Corriere della Sera?" were told to ask in English; "What did Lavrov say über Deutschland und die Ukraine?"
    listed 'über' and 'und' as never mentioned.)"""
    assert language_of("Lavrov on Die Welt and Der Spiegel") is None
    assert language_of("Did Lavrov comment on La Repubblica or Corriere della Sera?") in (None, "en")
    r = _index(tmp_path, {"pc.txt": ENGLISH})
    titles = r.search("Lavrov on Die Welt and Der Spiegel", 3)
    assert not any("seems to be in" in n for n in titles.notices) and "Spiegel" in titles.missing_terms
    mixed = r.search("What did Lavrov say über Deutschland und die Ukraine?", 3)
    assert not {"über", "und", "die"} & set(mixed.missing_terms)
    # one such word alone is a name the documents lack, in lower case ("kabul": Turkish for "acceptance")
    assert "kabul" in r.search("russian embassy in kabul", 3).missing_terms


def test_documents_too_short_to_tell_their_language_get_no_language_notice(tmp_path):
    """A hostile review: an index of short uploads gave every English question "The question seems to be in English,
    the document in : … Ask in  for a reliable answer."."""
    r = _index(tmp_path, {"short.txt": "The ferry is blue.\n\nIt sails at nine.\n"})
    assert r._rows.languages == ()
    for q in ["When does the ferry sail?", "Wann fährt die Fähre ab und wohin?"]:
        assert not any("seems to be in" in n for n in r.search(q, 3).notices), q


GERMAN_ANSWERS = (
    'Interview mit Dr. Katrin Vogel, Leiterin des Hochwasserschutzes der Stadt Passau\nGeführt am 18. Juli '
    '2023 von Ben Morris (University of Reading) — Fragen auf Englisch, Antworten auf Deutsch\n\nBen Morris: '
    'Thank you for meeting me. Could you describe what happened in Passau during the June 2013 flood?\n\nKatrin '
    'Vogel: Im Juni 2013 erreichte die Donau in Passau einen Pegel von 12,89 Metern. Das war der höchste '
    'Stand seit 1501. Die Altstadt stand bis zum ersten Stock unter Wasser, und wir mussten etwa zweitausend '
    'Menschen evakuieren.\n\nBen Morris: What has the city changed since then?\n\nKatrin Vogel: Wir haben vor '
    'allem mobile Schutzwände angeschafft, insgesamt etwa drei Kilometer. Außerdem gibt es jetzt ein Frühwarnsystem '
    'per SMS, für das sich inzwischen mehr als elftausend Haushalte angemeldet haben. Die Kosten lagen bei '
    'rund achtzehn Millionen Euro, zum größten Teil vom Freistaat Bayern bezahlt.\n\nBen Morris: Are there '
    'things you could not do?\n\nKatrin Vogel: Ja, leider. Eine feste Mauer entlang der Altstadt wollte niemand, '
    'weil sie den Blick auf den Fluss zerstört hätte. Der Denkmalschutz hat das ebenfalls abgelehnt. Deshalb '
    'bleiben wir bei den mobilen Wänden, auch wenn der Aufbau zwölf Stunden dauert.\n\nBen Morris: How do residents '
    'feel about living with the risk?\n\nKatrin Vogel: Die älteren Bewohner sind sehr gelassen. Viele sagen, '
    'das Wasser kommt und geht, das war schon immer so. Schwieriger ist es mit den Versicherungen. Nach 2013 '
    'haben viele Hausbesitzer in der Altstadt keine Elementarversicherung mehr bekommen, oder nur zu sehr '
    'hohen Prämien.\n\nBen Morris: What would you say to a British town facing the same problem?\n\nKatrin Vogel: '
    'Üben, üben, üben. Wir bauen die mobilen Wände jedes Jahr im April einmal komplett auf, mit der Feuerwehr '
    'und dem Technischen Hilfswerk. Wenn man das nicht übt, funktioniert es im Ernstfall nicht.\n\nBen Morris: '
    'Thank you very much.\n\nKatrin Vogel: Gern geschehen.\n'
)


def test_an_english_question_of_documents_none_of_which_is_in_english_is_said(tmp_path):
    """(a researcher's fieldwork interview, asked in English and answered in German: "What did Katrin Vogel say about
    insurance after the flood?" abstained as if the interview never spoke of insurance, and nothing said that its
    answers are in German: the question's words were the English questions' own, so it lacked too few to be read)"""
    r = _index(tmp_path, {"vogel.txt": GERMAN_ANSWERS})
    assert r._rows.languages == ("de",)
    for question in ("What did Katrin Vogel say about insurance after the flood?",
                     "What did Katrin Vogel say about the flood?"):       # (every word of it the questions')
        asked = r.search(question, 3)
        assert asked.notices[0].startswith("The question seems to be in English, the transcript in German")
    assert not any("seems to be in" in n for n in r.search("Was sagte Katrin Vogel über die Versicherungen?", 3).notices)
