"""Visitors as the API sees them: browsers told apart by User-Agent, and the calls they make."""

from typing import Any

import httpx

from tests.helpers.content import ContentKind

BOT_AGENTS = (
    "",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 HeadlessChrome/120.0",
    "UptimeRobot/2.0 (http://www.uptimerobot.com/)",
    "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "python-httpx/0.28.1",
    "Go-http-client/1.1",
    "Mozilla/5.0",
)
BROWSER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36",
)


def browser(number: int = 0, **headers: str) -> dict[str, str]:
    """Headers of visitor `number`: one real browser's User-Agent, made distinct by a build."""
    agent = f"{BROWSER_AGENTS[0]} Visitor/{number}"
    return {"User-Agent": agent, **headers}


def track_visit(api: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    response = api.post("/v1/visitors/track", headers=headers)
    assert response.status_code == 200, response.text
    tracked: dict[str, Any] = response.json()
    return tracked


def track_view(
    api: httpx.Client, kind: ContentKind, item_id: str, headers: dict[str, str]
) -> httpx.Response:
    body = {"contentId": item_id, "contentType": kind.content_type}
    return api.post("/v1/analytics/track", json=body, headers=headers)


def visitor_count(api: httpx.Client) -> int:
    response = api.get("/v1/visitors/count")
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


def views_of(api: httpx.Client, kind: ContentKind, item_id: str, headers: dict[str, str]) -> int:
    response = api.get(f"/v1/analytics/views/{kind.content_type}/{item_id}", headers=headers)
    assert response.status_code == 200, response.text
    views: int = response.json()["views"]
    return views
