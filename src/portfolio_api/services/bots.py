"""Which User-Agents are not people: crawlers, link previews, monitors and HTTP libraries."""

import re

# The common families, matched anywhere in the header and regardless of case. A bot that
# pretends to be a browser is counted; no pattern list catches those. (Cubot is a phone.)
_AUTOMATED = re.compile(
    r"(?<!cu)bot\b|bot/|crawl|spider|slurp|scrap|archiver|fetcher|preview|validator|checker|monitor"
    r"|uptime|pingdom|statuscake|site24x7|newrelic|datadog|headless|lighthouse|pagespeed"
    r"|phantomjs|selenium|puppeteer|playwright|facebookexternalhit|meta-externalagent"
    r"|embedly|whatsapp|telegram|discord|slack|skype|vkshare|pinterest|quora|bitly"
    r"|python-|python/|httpx|aiohttp|requests/|urllib|curl/|wget|libwww|go-http-client"
    r"|okhttp|java/|apache-httpclient|axios|node-fetch|undici|postman|insomnia|httpie"
    r"|feed|rss|^mozilla/5\.0$",
    re.IGNORECASE,
)


def is_automated(user_agent: str) -> bool:
    """An empty User-Agent is automation too: every browser sends one."""
    stripped = user_agent.strip()
    return not stripped or _AUTOMATED.search(stripped) is not None
