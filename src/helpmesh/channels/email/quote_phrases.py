# ruff: noqa: RUF001, RUF002 - mail clients write these languages; the look-alike letters are real
"""The words mail clients write around quoted history and signatures, per language, as data.

``quotes.py`` compiles these tables into the patterns ``reply.py`` uses; adding a client or a
language is an entry here. Every phrase is written as the client writes it (regular-expression
syntax; ``\\s`` where clients differ in spacing), lower case where matching ignores case.

Sources, per table:

- Attribution verbs and leads ("On <date>, <name> wrote:"): the reply-header strings of the
  clients' localizations: Thunderbird ``mailnews.reply_header_authorwrotesingle`` and
  ``mailnews.reply_header_ondateauthorwrote`` (l10n ``mail/chrome/messenger/messenger.properties``
  per locale), Apple Mail's localized reply attribution ("On %@, %@ wrote:"), and the attribution
  lines Gmail, Outlook for iOS/Android, Yahoo Mail, Mail.ru and Yandex Mail put into replies in
  each interface language (their output, as documented by the clients' help pages on quoting).
  Gmail in Russian writes no verb at all ("вт, 12 мар. 2024 г. в 10:15, Имя <a@b>:"), Mail.ru
  and Yandex neither ("12.03.2024, 10:15, "Имя" <a@b>:"): those are found by shape in
  ``reply.py`` (a line ending in a colon with an address or a date and time in it).
- Outlook header-block labels ("From:/Sent:/To:/Subject:" and translations): the labels Outlook
  for Windows, Outlook on the web and new Outlook write in the reply header of each language
  (Microsoft's UI terminology for the same fields, e.g. "Von/Gesendet/An/Betreff",
  "De/Envoyé/À/Objet", "От/Отправлено/Кому/Тема").
- "Original message" lines: Outlook's and Lotus Notes' "-----Original Message-----" and the
  localized forms, Thunderbird's "-------- Original Message --------" / forward markers.
- Sign-offs: the closing formulas of business mail in each language, as style guides and
  mail-client templates suggest them ("Best regards", "Mit freundlichen Grüßen", "С уважением",
  "よろしくお願いいたします"). They only mark a signature when they stand on their own line at
  the end of the reply, followed by at most a short block of name-shaped lines.
"""

from __future__ import annotations

# The verb of an attribution line, per language. It ends the line ("..., Ann <a@x> wrote:") or
# is followed by the sender ("Am ... schrieb Ann <a@x>:", "Ann escreveu no dia ...:").
ATTRIBUTION_VERBS = {
    "en": [r"wrote", r"writes", r"has written"],
    "de": [r"schrieb", r"geschrieben"],
    "fr": [r"a\s+[ée]crit", r"[ée]crit"],
    "es": [r"escribi[óo]", r"escribi[óo]\s+lo\s+siguiente"],
    "it": [r"ha\s+scritto", r"scrive"],
    "nl": [r"schreef", r"het\s+volgende\s+geschreven", r"geschreven"],
    "pt": [r"escreveu"],
    "pl": [r"napisał\(a\)", r"napisał", r"napisała", r"pisze"],
    "ru": [r"пишет", r"написал\(а\)", r"написал", r"написала"],
    "uk": [r"пише", r"написав\(ла\)", r"написав", r"написала"],
    "sv": [r"skrev"],
    "no": [r"skrev", r"skreiv"],
    "da": [r"skrev"],
    "fi": [r"kirjoitti"],
    "cs": [r"napsal\(a\)", r"napsal", r"napsala"],
    "tr": [r"yazdı", r"şunu\s+yazdı", r"şunları\s+yazdı"],
    "ja": [r"書きました", r"のメール", r"のメッセージ", r"wrote"],
    "zh": [r"写道", r"寫道", r"寫了"],
    "ko": [r"작성", r"님이\s*작성", r"쓴\s*글", r"님이\s*씀"],
}

# How an attribution line starts when a client wraps it over several lines (joined before
# matching), per language: "On", "Am", "Le", ...
ATTRIBUTION_LEADS = {
    "en": [r"On"],
    "de": [r"Am"],
    "fr": [r"Le"],
    "es": [r"El"],
    "it": [r"Il", r"In data", r"Il giorno"],
    "nl": [r"Op"],
    "pt": [r"Em", r"No dia"],
    "pl": [r"W dniu", r"Dnia", r"Wiadomość napisana przez"],
    "sv": [r"Den"],
    "da": [r"Den"],
    "cs": [r"Dne"],
    "zh": [r"在"],
}

# Outlook's reply header block: the "From" label, and the labels of the lines under it.
HEADER_FROM_LABELS = {
    "en": ["From"],
    "de": ["Von"],
    "fr": ["De"],
    "es": ["De"],
    "it": ["Da"],
    "nl": ["Van"],
    "pt": ["De"],
    "pl": ["Od"],
    "ru": ["От", "От кого"],
    "uk": ["Від", "Від кого"],
    "sv": ["Från"],
    "no": ["Fra"],
    "da": ["Fra"],
    "fi": ["Lähettäjä"],
    "cs": ["Od"],
    "tr": ["Kimden Gönderen", "Kimden", "Gönderen"],
    "ja": ["差出人", "送信者"],
    "zh": ["发件人", "寄件者", "發件人", "寄件人"],
    "ko": ["보낸 사람", "보낸사람"],
}
HEADER_OTHER_LABELS = {
    "en": ["Sent", "Date", "To", "Cc", "Bcc", "Subject", "Reply-To"],
    "de": ["Gesendet", "Datum", "An", "Cc", "Betreff"],
    "fr": ["Envoyé", "Envoye", "Date", "À", "A", "Cc", "Objet"],
    "es": ["Enviado el", "Enviado", "Fecha", "Para", "CC", "Asunto"],
    "it": ["Inviato", "Data", "A", "Cc", "Oggetto"],
    "nl": ["Verzonden", "Datum", "Aan", "CC", "Onderwerp"],
    "pt": ["Enviado", "Enviada em", "Data", "Para", "Cc", "Assunto"],
    "pl": ["Wysłano", "Wysłane", "Data", "Do", "DW", "Temat"],
    "ru": ["Отправлено", "Дата", "Кому", "Копия", "Тема"],
    "uk": ["Надіслано", "Дата", "Кому", "Копія", "Тема"],
    "sv": ["Skickat", "Datum", "Till", "Kopia", "Ämne"],
    "no": ["Sendt", "Dato", "Til", "Kopi", "Emne"],
    "da": ["Sendt", "Dato", "Til", "Cc", "Emne"],
    "fi": ["Lähetetty", "Päivämäärä", "Vastaanottaja", "Kopio", "Aihe"],
    "cs": ["Odesláno", "Datum", "Komu", "Kopie", "Předmět"],
    "tr": ["Gönderildi", "Gönderilme", "Tarih", "Kime", "Bilgi", "Konu"],
    "ja": ["送信日時", "日付", "宛先", "CC", "件名"],
    "zh": ["发送时间", "日期", "收件人", "抄送", "主题", "寄件日期", "收件者", "副本", "主旨"],
    "ko": ["보낸 날짜", "날짜", "받는 사람", "참조", "제목"],
}

# "-----Original Message-----" and the forms clients write in each language.
ORIGINAL_MESSAGE = {
    "en": ["Original Message", "Original message", "Reply above this line"],
    "de": ["Ursprüngliche Nachricht", "Originalnachricht"],
    "fr": ["Message d'origine", "Message original"],
    "es": ["Mensaje original"],
    "it": ["Messaggio originale"],
    "nl": ["Oorspronkelijk bericht", "Origineel bericht"],
    "pt": ["Mensagem original"],
    "pl": ["Wiadomość oryginalna", "Oryginalna wiadomość"],
    "ru": ["Исходное сообщение", "Пересылаемое сообщение", "Оригинальное сообщение"],
    "uk": ["Оригінальне повідомлення", "Вихідне повідомлення"],
    "sv": ["Ursprungligt meddelande", "Originalmeddelande"],
    "no": ["Opprinnelig melding", "Originalmelding"],
    "da": ["Oprindelig meddelelse", "Original meddelelse"],
    "fi": ["Alkuperäinen viesti"],
    "cs": ["Původní zpráva", "Původní e-mail"],
    "tr": ["Özgün İleti", "Orijinal Mesaj", "Asıl ileti"],
    "ja": ["元のメッセージ", "オリジナルメッセージ"],
    "zh": ["原始邮件", "原始郵件", "原邮件"],
    "ko": ["원본 메시지", "원래 메시지"],
}

# Closing formulas that start a signature when they end the reply on their own line.
SIGN_OFFS = {
    "en": [
        "best regards", "kind regards", "warm regards", "regards", "best wishes", "best",
        "all the best", "cheers", "thanks", "thank you", "many thanks", "thanks again",
        "thanks in advance", "thanks and regards", "sincerely", "yours sincerely",
        "yours truly", "yours faithfully", "with thanks", "br", "rgds", "greetings", "ta",
        "talk soon", "take care",
    ],
    "de": [
        "mit freundlichen grüßen", "mit freundlichen grüssen", "freundliche grüße",
        "freundliche grüsse", "viele grüße", "viele grüsse", "beste grüße", "beste grüsse",
        "liebe grüße", "liebe grüsse", "herzliche grüße", "grüße", "gruß", "lg", "vg", "mfg",
        "danke", "vielen dank", "besten dank",
    ],
    "fr": [
        "cordialement", "bien cordialement", "bien à vous", "salutations",
        "meilleures salutations", "sincères salutations", "merci", "merci beaucoup",
        "merci d'avance", "bonne journée", "amicalement", "à bientôt",
    ],
    "es": [
        "saludos", "un saludo", "saludos cordiales", "atentamente", "cordialmente", "gracias",
        "muchas gracias", "un abrazo", "abrazos",
    ],
    "it": [
        "cordiali saluti", "distinti saluti", "saluti", "un saluto", "grazie",
        "grazie mille", "a presto", "buona giornata",
    ],
    "nl": [
        "met vriendelijke groet", "met vriendelijke groeten", "vriendelijke groet",
        "groeten", "groet", "mvg", "hartelijke groet", "bedankt", "alvast bedankt",
    ],
    "pt": [
        "atenciosamente", "cumprimentos", "melhores cumprimentos", "abraços", "abraço",
        "obrigado", "obrigada", "muito obrigado", "muito obrigada", "att", "saudações",
    ],
    "pl": [
        "pozdrawiam", "pozdrawiam serdecznie", "z poważaniem", "serdecznie pozdrawiam",
        "pozdrowienia", "dziękuję", "z wyrazami szacunku",
    ],
    "ru": [
        "с уважением", "спасибо", "заранее спасибо", "всего доброго", "всего хорошего",
        "с наилучшими пожеланиями", "благодарю", "пока",
    ],
    "uk": ["з повагою", "дякую", "заздалегідь дякую", "з найкращими побажаннями", "щиро"],
    "sv": [
        "med vänliga hälsningar", "vänliga hälsningar", "hälsningar", "mvh", "tack",
        "tack på förhand", "bästa hälsningar", "hälsning",
    ],
    "no": [
        "med vennlig hilsen", "vennlig hilsen", "hilsen", "mvh", "takk", "beste hilsen",
        "takk på forhånd",
    ],
    "da": [
        "med venlig hilsen", "venlig hilsen", "hilsen", "mvh", "tak", "de bedste hilsner",
        "bedste hilsner", "kærlig hilsen",
    ],
    "fi": ["ystävällisin terveisin", "terveisin", "kiitos", "parhain terveisin", "t."],
    "cs": ["s pozdravem", "s přátelským pozdravem", "děkuji", "díky", "zdravím", "s úctou"],
    "tr": ["saygılarımla", "saygılarımızla", "teşekkürler", "iyi çalışmalar", "kolay gelsin"],
    "ja": [
        "よろしくお願いいたします", "よろしくお願いします", "宜しくお願い致します",
        "よろしくお願い致します", "以上、よろしくお願いいたします", "ありがとうございます", "以上",
    ],
    "zh": ["谢谢", "謝謝", "此致", "此致敬礼", "祝好", "顺祝商祺", "敬上", "多谢"],
    "ko": ["감사합니다", "고맙습니다", "수고하세요", "감사드립니다"],
}  # fmt: skip

# Lines mobile and webmail clients append instead of a signature delimiter.
MOBILE_SIGNATURES = [
    r"Sent from my [^\s,;:]+(?:\s[^\s,;:]+){0,4}",
    r"Sent from (?:Outlook|Mail|Yahoo|AOL|Gmail|Proton ?Mail|Samsung|iPhone|iPad)\b[^,;:]{0,40}",
    r"Get Outlook for \w+",
    r"Sent (?:with|via) [^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Von meinem [^\s,;:]+(?:\s[^\s,;:]+){0,3} gesendet",
    r"Gesendet von (?:meinem )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Envoy[ée] (?:de|depuis) (?:mon )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Enviado desde (?:mi )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Verzonden (?:vanaf|met|van) (?:mijn )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Enviado (?:do|de|a partir do) (?:meu )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Inviato da(?:l mio)? [^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Wysłane z (?:mojego )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Отправлено с (?:моего )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Надіслано з (?:мого )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Skickat från (?:min )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Sendt fra (?:min )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"Lähetetty (?:iPhonesta|Androidista|puhelimesta)[^,;:]{0,30}",
    r"Odesláno z (?:mého )?[^\s,;:]+(?:\s[^\s,;:]+){0,3}",
    r"iPhone'umdan gönderildi",
    r"\S+から送信",
    r"发自我的\S+",
    r"從我的\S+傳送",
    r"\S+에서 보냄",
]
