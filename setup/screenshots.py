"""Takes the README screenshots of a running demo database with headless Chromium.

Usage: screenshots.py URL OUTPUT_DIR. Logs in with requests (POST /web/login), hands the
session cookie to Chromium through the DevTools protocol (Network.setCookie) and captures
each page at 1280x900. Fails when a page is an error or the login page."""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

WIDTH, HEIGHT = 1280, 900
DEBUG_PORT = int(os.environ.get("MCIT_SHOTS_DEBUG_PORT", "9293"))


def login(base, login_name, password):
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/web/login",
        data={"login": login_name, "password": password, "csrf_token": token, "redirect": ""},
        timeout=60,
    )
    if "oe_login_form" in response.text:
        sys.exit(f"cannot log in as {login_name}")
    return session


def search_id(session, base, model, domain):
    """Id of the first record of ``model`` matching ``domain`` (JSON-RPC as the session's user)."""
    response = session.post(
        f"{base}/web/dataset/call_kw/{model}/search",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": "search",
                "args": [domain],
                "kwargs": {"limit": 1},
            },
        },
        timeout=60,
    ).json()
    if not response.get("result"):
        sys.exit(f"no {model} found for {domain}: {response.get('error')}")
    return response["result"][0]


def first_id(session, base, path, pattern):
    text = session.get(f"{base}{path}", timeout=60).text
    match = re.search(pattern, text)
    if not match:
        sys.exit(f"no record found on {path}")
    return int(match.group(1))


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="mcit_shots_")
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={DEBUG_PORT}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{DEBUG_PORT}/json", timeout=2).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration):
                time.sleep(0.2)
        else:
            self.close()
            sys.exit("Chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call("Network.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def set_session(self, base, session):
        self.call("Network.clearBrowserCookies")
        for cookie in session.cookies:
            self.call(
                "Network.setCookie",
                name=cookie.name,
                value=cookie.value,
                url=base,
                path=cookie.path or "/",
            )

    def shoot(self, url, path, ready_selector):
        self.call("Page.navigate", url=url)
        deadline = time.time() + 60
        while time.time() < deadline:
            time.sleep(0.5)
            if self.evaluate(f"!!document.querySelector({json.dumps(ready_selector)})"):
                break
        else:
            sys.exit(f"{url}: {ready_selector} never appeared")
        time.sleep(1.5)  # fonts, images and the chatter
        if self.evaluate("!!document.querySelector('.oe_login_form, form.oe_login_form')"):
            sys.exit(f"{url}: login page")
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as image:
            image.write(base64.b64decode(data))
        print(f"{path}: {os.path.getsize(path) // 1024} KB", flush=True)

    def click_and_shoot(self, selector, path, ready_selector):
        """Click ``selector`` on the current page, then capture once ``ready_selector`` shows."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        deadline = time.time() + 60
        while time.time() < deadline:
            time.sleep(0.5)
            if self.evaluate(f"!!document.querySelector({json.dumps(ready_selector)})"):
                break
        else:
            sys.exit(f"{ready_selector} never appeared after clicking {selector}")
        time.sleep(1.5)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as image:
            image.write(base64.b64decode(data))
        print(f"{path}: {os.path.getsize(path) // 1024} KB", flush=True)

    def close(self):
        try:
            self.process.terminate()
            self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def main():
    base, output = sys.argv[1].rstrip("/"), sys.argv[2]
    os.makedirs(output, exist_ok=True)
    portal = login(base, "s.lefevre", "s.lefevre")
    contract_id = first_id(portal, base, "/my/contracts", r'href="/my/contracts/(\d+)')
    ticket_id = first_id(portal, base, "/my/tickets", r'href="/my/ticket/(\d+)')
    intervention_id = first_id(portal, base, "/my/interventions", r'href="/my/interventions/(\d+)')
    admin = login(base, "admin", "admin")
    browser = Browser()
    try:
        browser.set_session(base, portal)
        browser.shoot(
            f"{base}/my/contracts/{contract_id}",
            f"{output}/portal_contract.png",
            "#contract_parties",
        )
        browser.shoot(f"{base}/my/ticket/{ticket_id}", f"{output}/portal_ticket.png", "#wrap")
        # the new ticket form: the urgency and the SLA targets of the contract
        browser.shoot(
            f"{base}/new/ticket?contract_id={contract_id}",
            f"{output}/portal_new_ticket.png",
            "#o_mcit_sla_targets",
        )
        browser.shoot(
            f"{base}/my/interventions/{intervention_id}",
            f"{output}/portal_intervention.png",
            "#wrap",
        )
        browser.set_session(base, admin)
        browser.shoot(
            f"{base}/odoo/action-maintenance_contract_it.maintenance_contract_action/{contract_id}",
            f"{output}/contract_form.png",
            ".o_form_view .o_field_widget",
        )
        # the invoices of the contract terminated for non-payment (setup/demo_history.py)
        overdue_id = search_id(
            admin,
            base,
            "maintenance.contract",
            [("state", "=", "terminated"), ("amount_overdue", ">", 0)],
        )
        browser.shoot(
            f"{base}/odoo/action-maintenance_contract_it.maintenance_contract_action/{overdue_id}",
            f"{output}/contract_invoices.png",
            "button[name=action_view_invoices]",
        )
        browser.click_and_shoot(
            "button[name=action_view_invoices]",
            f"{output}/contract_invoices.png",
            ".o_list_view .o_data_row",
        )
        # the latest invoice with a line billed per unit: its list of units (issue 15)
        invoice_id = search_id(
            admin,
            base,
            "account.move",
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_line_ids.maintenance_unit_list", "!=", False),
            ],
        )
        browser.shoot(
            f"{base}/report/html/account.report_invoice/{invoice_id}",
            f"{output}/invoice_units.png",
            ".page",
        )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
