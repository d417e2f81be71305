# ruff: noqa: RUF001 - mail clients write these languages; the look-alike letters are real
"""The words mail clients use to introduce quoted history and signatures, in many languages.

Kept as data so a new client or language is one line here, not a change to the algorithm.
"""

from __future__ import annotations

import re

# "On <date>, <someone> wrote:" and its translations. Each entry is a full-line pattern; the
# reply scanner joins a header that a client wrapped over up to four lines before matching.
_QUOTE_HEADERS = [
    r"On\s.+\swrote\s?:",  # en
    r"On\s.+wrote:",  # en, no space before "wrote" (some clients glue the address to it)
    r"Am\s.+\s(?:schrieb|geschrieben)\s?.*:",  # de
    r"Le\s.+\sa\s+[ée]crit\s?:",  # fr
    r"El\s.+\s(?:escribi[óo]|escribi[óo]\s+lo\s+siguiente)\s?:",  # es
    r"Op\s.+\s(?:schreef|heeft\s.+\sgeschreven)\s?.*:",  # nl
    r"(?:Em|No dia)\s.+\sescreveu\s?:",  # pt
    r"(?:Il|In data)\s.+\sha\s+scritto\s?:",  # it
    r"(?:W dniu|Dnia)\s.+\s(?:napisał|napisała|pisze|napisał\(a\))\s?:",  # pl
    r".+\s(?:пишет|написал|написала|написал\(а\))\s?:",  # ru
    r".+(?:のメッセージ|さんは書きました|が書きました|は書きました|wrote)\s?[:：]",  # ja
    r".+(?:写道|寫道)\s?[:：]",  # zh
    r"\d{4}[年/.-]\s?\d{1,2}[月/.-].+[:：]",  # ja/zh date-first attributions ending in a colon
]
QUOTE_HEADER = re.compile(r"^\s*(?:" + "|".join(_QUOTE_HEADERS) + r")\s*$", re.IGNORECASE)
# A line that may begin a wrapped quote header (checked before trying to join lines).
QUOTE_HEADER_START = re.compile(
    r"^\s*(?:On|Am|Le|El|Op|Em|No dia|Il|In data|W dniu|Dnia)\s", re.IGNORECASE
)

# Outlook-style header blocks: "From: ..." followed by "Sent:"/"Date:"/"To:"/"Subject:" lines.
_FROM = r"From|Von|De|Van|Da|Od|От|Från|Fra|Lähettäjä|差出人|发件人|寄件者|發件人"
_OTHER = (
    r"Sent|Date|To|Subject|Cc|Gesendet|Datum|An|Betreff|Envoy[ée]|Date|À|A|Objet|Enviado|Fecha|"
    r"Para|Asunto|Verzonden|Aan|Onderwerp|Inviato|Data|Oggetto|Wysłano|Wysłane|Do|Temat|"
    r"Отправлено|Дата|Кому|Тема|Skickat|Till|Ämne|Sendt|Emne|送信日時|宛先|件名|日付|发送时间|"
    r"收件人|主题|日期|寄件日期|收件者|主旨"
)
HEADER_FROM = re.compile(r"^\s*\*?\s*(?:" + _FROM + r")\s*\*?\s*[:：]\s*\*?\s*\S", re.IGNORECASE)
HEADER_OTHER = re.compile(r"^\s*\*?\s*(?:" + _OTHER + r")\s*\*?\s*[:：]", re.IGNORECASE)

ORIGINAL_MESSAGE = re.compile(
    r"^\s*[-_=]{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Originalnachricht|"
    r"Message d'origine|Message original|Mensaje original|Oorspronkelijk bericht|"
    r"Mensagem original|Messaggio originale|Wiadomość oryginalna|Исходное сообщение|"
    r"Пересылаемое сообщение|元のメッセージ|原始邮件|原始郵件|Reply above this line)"
    r"\s*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|"
    r"Mensaje reenviado|Doorgestuurd bericht|Mensagem encaminhada|Messaggio inoltrato|"
    r"Wiadomość przekazana dalej|Пересылаемое сообщение|転送されたメッセージ|转发的邮件)\s*-{2,}|"
    r"Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|"
    r"Début du message réexpédié :?|Inicio del mensaje reenviado:)\s*$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^\s*[-_=]{5,}\s*$")

# Mobile and webmail signatures that stand in for a signature delimiter.
_MOBILE = [
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
    r"\S+から送信",
    r"发自我的\S+",
    r"從我的\S+傳送",
]
MOBILE_SIGNATURE = re.compile(r"^\s*(?:" + "|".join(_MOBILE) + r")\s*$", re.IGNORECASE)
