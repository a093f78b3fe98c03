"""Leaflet phrases once spoken with a different meaning than written, each checked exactly.

Each case is (locale, written, spoken): a time, a dose, a phone number or a
unit that a rule used to misread (a range heard as one time, a power of ten
heard as a plain figure, square metres heard as metres...).
"""

from __future__ import annotations

import re

import pytest

from audioguide.normalise import EN_GB, EN_US, normalise

CASES = [
    # Odds written with a colon after "NNT", "risk" or "chance" are odds, never a clock time
    # ("one fifty"); after "at", "from", "until"... the figure is a time, whatever came before.
    ("en-GB", "The NNT is 1:50.", "The N N T is one to fifty."),
    ("en-US", "Number needed to harm: 1:12.", "Number needed to harm: one to twelve."),
    ("en-GB", "The risk is about 1:20.", "The risk is about one to twenty."),
    ("en-GB", "If you are at risk, come at 1:30 on Monday.", "If you are at risk, come at one thirty on Monday."),
    ("en-GB", "Mix 1:4 then wait until 2:30.", "Mix one to four then wait until two thirty."),
    # ...and only right before the figure: a clinic named for a risk keeps its times.
    ("en-GB", "Risk assessment 10:00 Monday.", "Risk assessment ten o'clock Monday."),
    ("en-GB", "Falls risk group meets 10:15 on Fridays.", "Falls risk group meets ten fifteen on Fridays."),
    ("en-GB", "Low risk clinic 9:30-5.", "Low risk clinic nine thirty to five."),
    ("en-GB", "Risk: 10:00.", "Risk: ten o'clock."),
    ("en-GB", "Best chance 9:30 to 11:00.", "Best chance nine thirty to eleven o'clock."),
    ("en-GB", "Best chance 1:30 to 3:00.", "Best chance one thirty to three o'clock."),
    ("en-US", "Risk clinic 12:30.", "Risk clinic twelve thirty."),
    ("en-GB", "Your last chance is 1:45.", "Your last chance is one forty-five."),
    ("en-GB", "Falls Risk: 1:30", "Falls Risk: one thirty"),
    ("en-GB", "Best chance 1:30-3", "Best chance one thirty to three"),
    ("en-GB", "Highest risk 1:15 or 2:30", "Highest risk one fifteen or two thirty"),
    ("en-GB", "There is a 1:10 chance of side effects.", "There is a one to ten chance of side effects."),
    ("en-GB", "The risk is 1:50 to 1:100.", "The risk is one to fifty to one to one hundred."),
    # Ratio words name classes and clinics too; a ratio is one to something, never "1:00".
    ("en-GB", "Strength and balance class 1:30 on Wednesdays", "Strength and balance class one thirty on Wednesdays"),
    ("en-GB", "Mix and Match group, Thursday 1:15", "Mix and Match group, Thursday one fifteen"),
    ("en-GB", "Mix and Match 10:30", "Mix and Match ten thirty"),
    ("en-GB", "Dilution clinic 11:00", "Dilution clinic eleven o'clock"),
    ("en-GB", "Dilute 1:10 and use within 1:30 of mixing.", "Dilute one to ten and use within one thirty of mixing."),
    ("en-GB", "Dilute 1:10-2 times a day", "Dilute one to ten, two times a day"),
    # A clock time, then the hour it runs to: not "nine thirty-five" (9:35).
    ("en-GB", "Open 9:30-5.", "Open nine thirty to five."),
    ("en-GB", "Open 9:30 - 5 daily.", "Open nine thirty to five daily."),
    ("en-US", "Hours 8:30–4 weekdays.", "Hours eight thirty to four weekdays."),
    # A power of ten: its exponent said, never dropped ("ten") or read as another figure.
    ("en-GB", "A count of 4.0 × 10⁹/L.", "A count of four point zero times ten to the power of nine per litre."),
    ("en-GB", "Neutrophils 1.5 x 10^9/L.", "Neutrophils one point five times ten to the power of nine per litre."),
    ("en-GB", "About 10⁶ cells/ml.", "About ten to the power of six cells per millilitre."),
    ("en-US", "A 10⁻³ dilution.", "A ten to the power of minus three dilution."),
    ("en-GB", "A 2 x 10 cm patch.", "A two by ten centimetre patch."),
    # Square metres stay square after a figure written close: not "metres".
    ("en-GB", "An eGFR below 30 ml/min/1.73m².",
     "An eGFR below thirty millilitres per minute per one point seven three square metres."),
    ("en-US", "Dose 100 mg/1.73m² daily.", "Dose one hundred milligrams per one point seven three square meters daily."),
    ("en-GB", "A 4mm² patch.", "A four square millimetre patch."),
    # A decimal comma before "%" or "°": said "comma", never two figures ("nought, one percent").
    ("en-GB", "A 0,1% cream.", "A zero comma one percent cream."),
    ("en-GB", "A temperature of 37,5°C.", "A temperature of thirty-seven comma five degrees Celsius."),
    ("en-US", "Use 2,5 % solution.", "Use two comma five percent solution."),
    # "2m people" is two million people, not two metres.
    ("en-GB", "About 4.3m people have diabetes.", "About four point three million people have diabetes."),
    ("en-GB", "Over 250k adults.", "Over two hundred and fifty thousand adults."),
    ("en-GB", "Stay 2m apart.", "Stay two metres apart."),
    # Phone numbers and service lines said digit by digit, never as amounts.
    ("en-US", "Call or text 988.", "Call or text nine eight eight."),
    ("en-US", "Dial 711 for relay.", "Dial seven one one for relay."),
    ("en-US", "A 988 mg dose.", "A nine hundred eighty-eight milligram dose."),
    ("en-GB", "Call 00 44 20 7946 0000.", "Call oh oh, four four, two oh, seven nine four six, oh oh oh oh."),
    ("en-US", "Call 555-123-4567 x 2345.",
     "Call five five five, one two three, four five six seven extension two three four five."),
    ("en-US", "Call 1-800-273-TALK.", "Call one, eight hundred, two seven three, TALK."),
    # Four-figure 24-hour times are times, not amounts ("two thousand two hundred").
    ("en-GB", "Take it at 2200.", "Take it at twenty-two hundred."),
    ("en-GB", "Open 0900-1700 Monday to Friday.", "Open oh nine hundred to seventeen hundred Monday to Friday."),
    ("en-GB", "Come at 0830.", "Come at oh eight thirty."),
    ("en-US", "From 0800 hrs.", "From zero eight hundred hours."),
    ("en-GB", "At 1500 mg a day.", "At one thousand five hundred milligrams a day."),
    ("en-GB", "At 2000 people.", "At two thousand people."),
    ("en-GB", "Rates at 1000 per 100,000.", "Rates at one thousand per one hundred thousand."),
    ("en-GB", "Since 2005.", "Since two thousand and five."),
    # Slashes that are not fractions of one.
    ("en-GB", "The 2020/21 flu season.", "The twenty twenty to twenty-one flu season."),
    ("en-GB", "Winter 2023/2024.", "Winter twenty twenty-three to twenty twenty-four."),
    ("en-GB", "Use by 06/2025.", "Use by June twenty twenty-five."),
    ("en-US", "Expires 12/2024.", "Expires December twenty twenty-four."),
    ("en-GB", "Use by 6/2025.", "Use by June twenty twenty-five."),
    ("en-GB", "A risk of 1/2000.", "A risk of one over two thousand."),
    ("en-GB", "In 10/2000 people.", "In ten over two thousand people."),
    ("en-US", "Dose 1/3: at 2 months.", "Dose one of three: at two months."),
    ("en-GB", "See page 2/3.", "See page two of three."),
    ("en-GB", "Take 2/3 tablets.", "Take two over three tablets."),
    ("en-GB", "Wait 5/6 weeks.", "Wait five over six weeks."),
    ("en-GB", "Take for 5/7.", "Take for five over seven."),
    ("en-GB", "Dose 1/2 tablet.", "Dose one half tablet."),
    ("en-GB", "About 2/3 of adults.", "About two thirds of adults."),
    ("en-GB", "About 3/4 is water.", "About three quarters is water."),
    # An aside after a phone number describes the line; it is not the number's name.
    ("en-GB", "Call 0800 123 4567 (free).", "Call oh eight hundred, one two three, four five six seven, free."),
    ("en-GB", "Call 0300 303 1234 (local rate).",
     "Call oh three hundred, three oh three, one two three four, local rate."),
    ("en-US", "Call 1-888-232-6348 (TTY).", "Call one, eight eight eight, two three two, six three four eight, T T Y."),
    ("en-GB", "Call the helpline (free) today.", "Call the helpline, free, today."),
    # A time, then a dose: never one run of figures ("oh eight to oh oh five oh oh milligrams").
    ("en-GB", "Take at 08:00 500 mg, at 20:00 250 mg.",
     "Take at eight o'clock, five hundred milligrams, at twenty hundred, two hundred and fifty milligrams."),
    ("en-GB", "Dose is 10 000 units.", "Dose is ten thousand units."),
    ("en-GB", "About 100¼ of it.", "About one hundred, one quarter of it."),
    ("en-US", "On January 1, 0800 123 4567 is closed.",
     "On January first, zero eight hundred, one two three, four five six seven is closed."),
    ("en-GB", "Take 1/2 100 mg tablet.", "Take one half, one hundred milligrams tablet."),
    ("en-GB", "Take 1½ tablets.", "Take one and a half tablets."),
    # A raised decimal point is a point: "nought, five" would sound like five.
    ("en-GB", "Give 0·5 mg.", "Give nought point five milligrams."),
    # A day and a month after "on" or a day's name: a date, not a fraction.
    ("en-GB", "Your jab is on 3/4.", "Your jab is on the third of April."),
    ("en-US", "Your shot is on 3/4.", "Your shot is on March fourth."),
    ("en-US", "Clinic on Sat 13/4.", "Clinic on Sat the thirteenth of April."),
    ("en-GB", "It depends on 2/3 tablets.", "It depends on two over three tablets."),
    ("en-GB", "Based on 2/3 of adults.", "Based on two thirds of adults."),
    ("en-US", "Kids 6 months–17 years.", "Kids six months to seventeen years."),
    # Whole thousands set apart by a space, anywhere: never "ten pounds, zero zero zero".
    ("en-GB", "Costs £10 000.", "Costs ten thousand pounds."),
    ("en-GB", "About 1 in 10 000.", "About one in ten thousand."),
    ("en-GB", "It affects 10 000 children.", "It affects ten thousand children."),
    ("en-GB", "Call 0800 000 000.", "Call oh eight hundred, oh oh oh, oh oh oh."),
    # A comparison before a negative figure is said: never dropped ("Values minus one are normal").
    ("en-GB", "Values > -1 are normal.", "Values more than minus one are normal."),
    ("en-GB", "A Z-score <-2 is low.", "A Z-score less than minus two is low."),
    ("en-GB", "A T-score ≤ -2.5 means osteoporosis.", "A T-score at most minus two point five means osteoporosis."),
    # A slash after a figure with thousands is "per" too.
    ("en-GB", "Heparin 1,000 units/ml.", "Heparin one thousand units per millilitre."),
    ("en-GB", "Give 10,000 units/kg.", "Give ten thousand units per kilogram."),
    # A capitalised "May" after a figure may be the verb.
    ("en-US", "Children Under 5 May Need Antibiotics.", "Children Under five May Need Antibiotics."),
    ("en-GB", "Children aged 11 May need a booster.", "Children aged eleven May need a booster."),
    ("en-GB", "Closed on 5 May.", "Closed on the fifth of May."),
    ("en-GB", "From 5 May we close.", "From the fifth of May we close."),
    # Said less before, now said: ranges of money and of days,
    ("en-GB", "It costs £1–2.", "It costs one pound to two pounds."),
    ("en-US", "A $5-$10 copay.", "A five dollars to ten dollars copay."),
    ("en-GB", "Clinics from 1st–7th March.", "Clinics from the first to the seventh of March."),
    ("en-US", "Clinics March 1–7.", "Clinics March first to seventh."),
    ("en-GB", "Aged 5-11 May need it.", "Aged five to eleven May need it."),
    ("en-GB", "Values from -3–3.", "Values from minus three to three."),
    ("en-GB", "A T-score of -1–-2.5.", "A T-score of minus one to minus two point five."),
    # a range after "up to", prescribers' shorthand, units.
    ("en-GB", "Up to 3-4 times a day.", "Up to three to four times a day."),
    ("en-US", "Take 200-400 mg q4-6h.", "Take two hundred to four hundred milligrams every four to six hours."),
    ("en-GB", "Give 5 ml q4h.", "Give five millilitres every four hours."),
    ("en-GB", "Take 1 tab TDS prn.", "Take one tab three times a day when needed."),
    ("en-GB", "Take 500 mg BD.", "Take five hundred milligrams twice a day."),
    ("en-GB", "Take 10 mg nocte.", "Take ten milligrams at night."),
    ("en-GB", "1 tablet 3 times daily (tds).", "one tablet three times daily, three times a day."),
    ("en-US", "Max 8/day.", "Max eight a day."),
    ("en-US", "Take 1 tablet b.i.d. with food.", "Take one tablet twice a day with food."),
    ("en-US", "Instil 1 drop OD.", "Instil one drop O D."),
    ("en-GB", "The BD Microlance needle.", "The B D Microlance needle."),
    ("en-US", "Take 1/2 tsp.", "Take one half teaspoon."),
    ("en-GB", "Co-codamol 8/500mg tablets.", "Co-codamol eight over five hundred milligrams tablets."),
    ("en-US", "Take 2 tbsp.", "Take two tablespoons."),
    ("en-GB", "Creatinine 80 µmol/L.", "Creatinine eighty micromoles per litre."),
    ("en-GB", "Vitamin D below 25 nmol/L.", "Vitamin D below twenty-five nanomoles per litre."),
]


@pytest.mark.parametrize("locale, written, spoken", CASES, ids=[f"{c[0]}-{c[1][:40]}" for c in CASES])
def test_written_is_spoken_with_its_meaning(locale, written, spoken):
    assert normalise(written, locale) == spoken


#: "4.3m people" is said "four point three million": the figure check would count the word
#: as six zeros, so these cases are held to their exact spoken form above only.
FIGURE_CASES = [c for c in CASES if not (re.search(r"\d(?:m|k|bn) ", c[1])
                                         and re.search(r"million|thousand|billion", c[2]))]


@pytest.mark.parametrize("locale, written, spoken", FIGURE_CASES, ids=[f"{c[0]}-{c[1][:40]}" for c in FIGURE_CASES])
def test_every_figure_of_each_case_is_spoken(locale, written, spoken):
    from tests.test_normalise_properties import assert_figures_kept
    assert_figures_kept(written, {"en-GB": EN_GB, "en-US": EN_US}[locale])


#: Found by review after the rules above: each once said a different number, amount or date.
REVIEWED = [
    ("en-GB", "Call 116 000.", "Call one one six, oh oh oh."),
    ("en-GB", "Call the helpline on 116 000 (free).", "Call the helpline on one one six, oh oh oh, free."),
    ("en-GB", "Based on 10 000 cases.", "Based on ten thousand cases."),
    ("en-GB", "Call us on 123 000.", "Call us on one hundred and twenty-three, zero zero zero."),
    ("en-GB", "It will cost £3-4 million.", "It will cost three million pounds to four million pounds."),
    ("en-GB", "It costs £10-20m a year.", "It costs ten million pounds to twenty million pounds a year."),
    ("en-GB", "Grants of £5-10k each.", "Grants of five thousand pounds to ten thousand pounds each."),
    ("en-US", "$1-2 billion.", "one billion dollars to two billion dollars."),
    ("en-GB", "Start on 1/2 strength feeds.", "Start on one half strength feeds."),
    ("en-GB", "Pain was on 7/10.", "Pain was on seven out of ten."),
    ("en-GB", "The risk is 11/2000.", "The risk is eleven over two thousand."),
    ("en-GB", "Expires 12/2024.", "Expires December twenty twenty-four."),
    ("en-GB", "Take one 5/10 mg tablet.", "Take one five over ten milligrams tablet."),
    ("en-GB", "Co-codamol 30mg/500mg tablets.", "Co-codamol thirty milligrams, five hundred milligrams tablets."),
]


@pytest.mark.parametrize("locale, written, spoken", REVIEWED, ids=[f"{c[0]}-{c[1][:40]}" for c in REVIEWED])
def test_reviewed_cases_keep_their_meaning(locale, written, spoken):
    assert normalise(written, locale) == spoken
