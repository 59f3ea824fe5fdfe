"""How many, how often, how sure (session 36): "all" for "half", "always" for "sometimes", "will" for "might" passed
the summary check (left alone since session 32's review: an embedding barely sees such a word, and no rule read one).
A sentence saying a degree no cited quote says, where the closest quote sentence says another of its scale, is now
not supported; the faithful controls (the quote's own degree, its synonyms, idioms, a superlative) stay supported."""
from __future__ import annotations


import pytest

from rag.verify import _degrees, _requantified

from conftest import spoken_quotes
from test_summaries_session35 import verdict

QUOTES = [("Helen Brandt", "Half of the members backed the harbour levy in the vote on Monday."),
          ("Marcus Webb", "The ferry to the island sometimes runs late in the winter months."),
          ("Anna Berg", "Almost all of the stalls at the market sold out by noon on Saturday."),
          ("Tomasz Kowalczyk", "The new pontoon might be ready by August, and the slipway opens in May.")]


@pytest.fixture(scope="module")
def quotes():
    return spoken_quotes(QUOTES)


@pytest.mark.parametrize("sentence, problem", [
    ("All of the members backed the harbour levy in the vote on Monday. [1]", "says 'all' where the closest quote "
                                                                               "sentence says 'half'"),
    ("Every member backed the harbour levy in the vote on Monday. [1]", "says 'every'"),
    ("Most of the members backed the harbour levy in the vote on Monday. [1]", "says 'most'"),
    ("The ferry to the island always runs late in the winter months. [2]", "says 'always' where the closest quote "
                                                                            "sentence says 'sometimes'"),
    ("The ferry to the island often runs late in the winter months. [2]", "says 'often'"),
    ("The ferry to the island rarely runs late in the winter months. [2]", "says 'rarely'"),
    ("All of the stalls at the market sold out by noon on Saturday. [3]", "says 'all' where the closest quote "
                                                                           "sentence says 'almost all'"),
    ("Half of the stalls at the market sold out by noon on Saturday. [3]", "says 'half'"),
    ("The new pontoon will be ready by August, and the slipway opens in May. [4]", "says 'will' where the closest "
                                                                                   "quote sentence says 'might'"),
    ("The new pontoon will definitely be ready by August. [4]", "says 'will'"),
    ("The new pontoon is probably ready by August, and the slipway opens in May. [4]", "says 'probably'"),
])
def test_a_degree_the_quotes_do_not_say_is_not_supported(quotes, sentence, problem):
    checked = verdict(quotes, sentence)
    assert not checked.supported and any(problem in p for p in checked.problems), checked.problems


@pytest.mark.parametrize("sentence", [
    "Half of the members backed the harbour levy in the vote on Monday. [1]",      # the quote's own words
    "Half the members backed the harbour levy in the vote on Monday. [1]",
    "After all, half of the members backed the harbour levy in the vote on Monday. [1]",     # an idiom
    "First of all, half of the members backed the harbour levy on Monday. [1]",
    "The ferry to the island sometimes runs late in the winter months. [2]",
    "The ferry to the island occasionally runs late in the winter months. [2]",     # the same degree in other words
    "Nearly all of the stalls at the market sold out by noon on Saturday. [3]",     # "almost all" in other words
    "Most of the stalls at the market sold out by noon on Saturday. [3]",
    "The new pontoon may be ready by August, and the slipway opens in May. [4]",
    "Perhaps the new pontoon is ready by August, and the slipway opens in May. [4]",
])
def test_the_quotes_degree_in_their_words_or_others_is_supported(quotes, sentence):
    checked = verdict(quotes, sentence)
    assert checked.supported, checked.problems


@pytest.mark.parametrize("sentence, quote", [
    ("The most important vote was on the harbour levy.", "Half of the members said the harbour levy vote mattered."),
    ("All three members backed the levy.", "The three members backed the levy, half of them reluctantly."),
    ("The levy was not popular at all.", "Half of the members opposed the levy."),
    ("All in all, the ferry runs late in winter.", "The ferry sometimes runs late in winter."),
    ("Every year the ferry runs late.", "The ferry sometimes runs late."),       # another scale: how often a year
    ("The slipway opens in May.", "The slipway will open in spring."),      # the month, not a hedge
    ("He said the pontoon would be ready by August.", "The pontoon will be ready by August."),
])
def test_an_idiom_a_superlative_or_a_counted_set_says_no_degree(sentence, quote):
    assert _requantified(sentence, [quote], quote) is None


def test_the_degrees_a_text_says():
    assert _degrees("Almost all members agreed; the chair always votes last.") == {
        ("many", 3): ("almost all", "member"), ("often", 4): ("always", "")}
    assert _degrees("Most members agreed.") == {("many", 3): ("most", "member")}
    assert _degrees("The most important members agreed.") == {}
    assert _degrees("It was not right at all.") == {}
    assert _degrees("It was not right at all.", strict=False) == {("many", 4): ("all", "")}


@pytest.mark.parametrize("sentence", [
    "Nearly all of the stalls at the market sold out by noon on Saturday. [3]",
    "Roughly half of the members backed the harbour levy in the vote on Monday. [1]",
    "Sometimes the ferry to the island runs late in the winter months. [2]",
])
def test_a_degree_word_opening_a_sentence_is_no_name(quotes, sentence):
    """"Nearly all of the stalls …" was flagged "not in the cited quotes: Nearly": a capitalised word opening a
    sentence that the common words did not list was read as a name the quotes must hold."""
    checked = verdict(quotes, sentence)
    assert checked.supported, checked.problems


@pytest.mark.parametrize("quote, sentence", [
    # a re-review's faithful sentences, flagged by the first form of the rule: the future said otherwise, a synonym,
    # and another degree in another clause of the quote, about another thing
    ("We'll open the pontoon in August, and the slipway might follow in May.", "The pontoon will open in August."),
    ("We're gonna open the pontoon in August; the slipway might follow.", "The pontoon will open in August."),
    ("The pontoon is going to open in August, although the slipway might slip.", "The pontoon will open in August."),
    ("The market opens each Saturday, and half the stalls sell fish.", "The market opens every Saturday."),
    ("The whole committee backed it, though half the town objected.", "All of the committee backed it."),
    ("The ferry usually runs on time, and half the crew are local.", "In most cases the ferry runs on time."),
])
def test_the_future_a_synonym_or_another_clauses_degree_is_no_change(quote, sentence):
    assert _requantified(sentence, [quote], quote) is None


@pytest.mark.parametrize("quote, sentence, problem", [
    # and its missed twists: "all" over a quote's looser words, a set's part, "invariably", "is certain to"
    ("Some members backed the levy in Monday's vote.", "All members backed the levy in Monday's vote.", "'all'"),
    ("Many members backed the levy in Monday's vote.", "Every member backed the levy in Monday's vote.", "'every'"),
    ("Two of the three members backed the levy.", "All three members backed the levy.", "'All three members'"),
    ("The ferry sometimes runs late in winter.", "The ferry invariably runs late in winter.", "'invariably'"),
    ("The pontoon might be ready by August.", "The pontoon is certain to be ready by August.", "'will'"),
    ("The council could approve it next week.", "The council will approve it next week.", "'could'"),
])
def test_a_universal_claim_over_a_quotes_looser_words_is_flagged(quote, sentence, problem):
    said = _requantified(sentence, [quote], quote)
    assert said and problem in said, said


@pytest.mark.parametrize("quote, sentence", [
    # a third review's faithful sentences: motion, not the future; a quote's loose word about another thing; a part
    # of another set, or the set whole; "all twelve" said by the quote too
    ("Passengers travelling to Dover might face delays.", "Passengers who are going to Dover might face delays."),
    ("The ferry to Dover might be delayed.", "The ferry, which is bound to Dover, might be delayed."),
    ("The members unanimously approved the plan after some debate.", "Every member approved the plan."),
    ("The members unanimously backed the plan after many hours of debate.", "All the members backed the plan."),
    ("Fifty per cent of the members backed the plan after a whole year of talks.", "Half the members backed the plan."),
    ("The bridge they could not finish last year is set to open in June.", "The bridge will open in June."),
    ("The leaders of the three parties signed the pact.", "The leaders of all three parties signed the pact."),
    ("Members of the three committees backed the levy.", "All three committees backed the levy."),
    ("Every one of the three members backed the levy.", "All three members backed the levy."),
    ("Three of the twelve members backed it, and all twelve were present.", "All twelve members were present."),
])
def test_motion_another_things_degree_or_a_whole_set_is_no_change(quote, sentence):
    assert _requantified(sentence, [quote], quote) is None


@pytest.mark.parametrize("quote, sentence", [
    ("He sometimes complained.", "He always complains."),          # no word shared but by its form
    ("She rarely attended.", "She always attends."),
    ("The market opens on Saturday mornings in the town square, and half the stalls sell fish.",
     "All the stalls sell fish at the Saturday morning market in the town square."),     # the degree's clause
    ("Two of the three members backed the levy.", "All 3 members backed the levy."),        # digits and words
    ("2 of the 3 members backed the levy.", "All three members backed the levy."),
])
def test_a_degree_changed_across_word_forms_clauses_or_digits_is_flagged(quote, sentence):
    assert _requantified(sentence, [quote], quote)
