"""Given names: Russian and Ukrainian forms of one name, and their everyday diminutives.

Each line is one name identity: `id|sex|Russian forms|Ukrainian forms|diminutives|extra
patronymic stems`. Forms and diminutives are written in Cyrillic only; every Latin
spelling is derived by `translit` for every system, so the table never has to list
"Tatiana, Tatyana, Tetiana, Tatjana".

Sources (checked by hand, entries written for this table):
* Н. А. Петровский, «Словарь русских личных имён», Москва, 1966 (5th ed. 1996) —
  Russian full forms and colloquial diminutives.
* Л. Г. Скрипник, Н. П. Дзятківська, «Власні імена людей. Словник-довідник», Київ,
  Наукова думка, 1996 (2nd ed. 2005) — Ukrainian full forms and their Russian pairs.
* «Український правопис» 2019, §§ 38-39 — Ukrainian spelling of patronymics (-ович,
  -івна/-ївна).
* Wiktionary appendices "Russian given names" / "Українські особові імена", consulted for
  common diminutives only.
Diminutives shared by several names (Саша, Женя, Слава, Валя) are listed under each;
scoring treats two names as one when their sets of identities intersect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sex = Literal["m", "f"]

_TABLE = """
alexander|m|Александр|Олександр|Саша,Саня,Шура,Сашко,Санька,Олесь,Алекс|
alexey|m|Алексей|Олексій|Лёша,Алёша,Лёха,Льоша,Олекса|
anatoly|m|Анатолий|Анатолій|Толя,Толик|
andrey|m|Андрей|Андрій|Андрюша,Андрюха,Андрійко|
anton|m|Антон|Антон|Антоша,Тоша|
arkady|m|Аркадий|Аркадій|Аркаша|
arseny|m|Арсений|Арсеній|Арсюша|
artem|m|Артём,Артем|Артем|Тёма,Артемко|
afanasy|m|Афанасий|Панас,Опанас|Афоня|
bogdan|m|Богдан|Богдан|Бодя|
boris|m|Борис|Борис|Боря|
vadim|m|Вадим|Вадим|Вадик|
valentin|m|Валентин|Валентин|Валя|
valery|m|Валерий|Валерій|Валера|
vasily|m|Василий|Василь|Вася,Васька|
viktor|m|Виктор|Віктор|Витя,Вітя|
vitaly|m|Виталий|Віталій|Виталик,Віталік|
vladimir|m|Владимир|Володимир|Вова,Володя,Вовка|
vladislav|m|Владислав|Владислав|Влад,Слава|
vsevolod|m|Всеволод|Всеволод|Сева|
vyacheslav|m|Вячеслав|В'ячеслав|Слава,Славик|
gennady|m|Геннадий|Геннадій|Гена|
georgy|m|Георгий|Георгій|Жора,Гоша|
gleb|m|Глеб|Гліб||
grigory|m|Григорий|Григорій|Гриша,Гриць|
daniil|m|Даниил,Данила|Данило|Даня|
denis|m|Денис|Денис|Дениска|
dmitry|m|Дмитрий|Дмитро|Дима,Митя,Діма|
evgeny|m|Евгений|Євген|Женя|
egor|m|Егор|Єгор|Егорка|
efim|m|Ефим|Юхим|Фима|
zakhar|m|Захар|Захар||
ivan|m|Иван|Іван|Ваня,Іванко|
igor|m|Игорь|Ігор|Игорёк|
ignat|m|Игнат|Гнат||
ilya|m|Илья|Ілля|Илюша|
kirill|m|Кирилл|Кирило|Кирюша|
konstantin|m|Константин|Костянтин|Костя|
lev|m|Лев|Лев|Лёва|Льв
leonid|m|Леонид|Леонід|Лёня,Льоня|
makar|m|Макар|Макар||
maxim|m|Максим|Максим|Макс|
mark|m|Марк|Марк||
matvey|m|Матвей|Матвій|Мотя|
mikhail|m|Михаил|Михайло|Миша,Михась|
nazar|m|Назар|Назар||
nikita|m|Никита|Микита|Никитка|
nikolay|m|Николай|Микола|Коля,Миколка|
oleg|m|Олег|Олег|Олежка|
ostap|m|Остап|Остап||
pavel|m|Павел|Павло|Паша,Павлик|
petr|m|Пётр,Петр|Петро|Петя,Петрусь|
roman|m|Роман|Роман|Рома|
rostislav|m|Ростислав|Ростислав|Ростик,Слава|
ruslan|m|Руслан|Руслан|Руся|
svyatoslav|m|Святослав|Святослав|Свят,Слава|
semen|m|Семён,Семен|Семен|Сёма|
sergey|m|Сергей|Сергій|Серёжа,Серёга,Сергійко|
stanislav|m|Станислав|Станіслав|Стас,Слава|
stepan|m|Степан|Степан|Стёпа|
taras|m|Тарас|Тарас|Тарасик|
timofey|m|Тимофей|Тимофій|Тима|
timur|m|Тимур|Тимур||
fedor|m|Фёдор,Федор|Федір|Федя|
filipp|m|Филипп|Пилип|Филя|
eduard|m|Эдуард|Едуард|Эдик,Едик|
yuri|m|Юрий|Юрій|Юра,Юрко|
yakov|m|Яков|Яків|Яша|Яковл
yaroslav|m|Ярослав|Ярослав|Ярик,Слава|
alexandra|f|Александра|Олександра|Саша,Шура,Сашенька|
alina|f|Алина|Аліна||
alisa|f|Алиса|Аліса||
alla|f|Алла|Алла||
alyona|f|Алёна,Алена|Альона||
anastasia|f|Анастасия|Анастасія|Настя,Стася|
angelina|f|Ангелина|Ангеліна|Геля|
anna|f|Анна|Ганна,Анна|Аня,Ганя,Анюта,Нюра|
antonina|f|Антонина|Антоніна|Тоня|
arina|f|Арина|Арина||
valentina|f|Валентина|Валентина|Валя|
valeria|f|Валерия|Валерія|Лера|
vera|f|Вера|Віра|Верочка|
veronika|f|Вероника|Вероніка|Ника|
victoria|f|Виктория|Вікторія|Вика,Віка|
galina|f|Галина|Галина|Галя|
darya|f|Дарья,Дария|Дарія,Дар'я|Даша|
diana|f|Диана|Діана||
evgenia|f|Евгения|Євгенія|Женя|
evdokia|f|Евдокия|Євдокія,Явдоха|Дуся|
ekaterina|f|Екатерина|Катерина|Катя|
elena|f|Елена|Олена|Лена|
elizaveta|f|Елизавета|Єлизавета|Лиза,Ліза|
zhanna|f|Жанна|Жанна||
zinaida|f|Зинаида|Зінаїда|Зина|
zoya|f|Зоя|Зоя||
inna|f|Инна|Інна||
irina|f|Ирина|Ірина,Ярина|Ира,Іра|
karina|f|Карина|Карина||
klavdia|f|Клавдия|Клавдія|Клава|
kristina|f|Кристина|Христина|Христя|
xenia|f|Ксения|Ксенія|Ксюша|
larisa|f|Лариса|Лариса|Лара,Леся|
lidia|f|Лидия|Лідія|Лида|
lilia|f|Лилия|Лілія|Лиля|
lyubov|f|Любовь|Любов|Люба|
lyudmila|f|Людмила|Людмила|Люда,Мила|
margarita|f|Маргарита|Маргарита|Рита|
marina|f|Марина|Марина||
maria|f|Мария,Марья|Марія|Маша,Маруся,Марічка|
nadezhda|f|Надежда|Надія|Надя|
natalia|f|Наталья,Наталия|Наталія|Наташа,Ната|
nina|f|Нина|Ніна||
oksana|f|Оксана|Оксана|Ксана|
olesya|f|Олеся|Олеся|Леся|
olga|f|Ольга|Ольга|Оля|
polina|f|Полина|Поліна|Поля|
raisa|f|Раиса|Раїса|Рая|
svetlana|f|Светлана|Світлана|Света,Світа|
solomia|f|Соломия|Соломія|Соля|
sofia|f|Софья,София|Софія|Соня|
taisia|f|Таисия|Таїсія|Тая|
tamara|f|Тамара|Тамара|Тома|
tatiana|f|Татьяна|Тетяна|Таня,Тетянка|
ulyana|f|Ульяна|Уляна|Уля|
yulia|f|Юлия|Юлія|Юля|
yana|f|Яна|Яна||
yaroslava|f|Ярослава|Ярослава|Слава|
"""


@dataclass(frozen=True, slots=True)
class GivenName:
    """One name identity with its Russian and Ukrainian forms and diminutives."""

    ident: str
    sex: Sex
    russian: tuple[str, ...]
    ukrainian: tuple[str, ...]
    diminutives: tuple[str, ...]
    patronymic_stems: tuple[str, ...]

    @property
    def full_forms(self) -> tuple[str, ...]:
        return self.russian + tuple(f for f in self.ukrainian if f not in self.russian)


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(",") if part.strip())


def _parse(table: str) -> tuple[GivenName, ...]:
    names: list[GivenName] = []
    for line in table.strip().splitlines():
        ident, sex, russian, ukrainian, diminutives, stems = line.split("|")
        assert sex in ("m", "f"), line
        names.append(
            GivenName(
                ident=ident,
                sex="m" if sex == "m" else "f",
                russian=_split(russian),
                ukrainian=_split(ukrainian),
                diminutives=_split(diminutives),
                patronymic_stems=_split(stems),
            )
        )
    return tuple(names)


GIVEN_NAMES: tuple[GivenName, ...] = _parse(_TABLE)
BY_IDENT: dict[str, GivenName] = {name.ident: name for name in GIVEN_NAMES}
