/* Alle Døre chat widget: <script src="https://host/widget.js" data-kommune="svendborg"
 * data-language="da" defer></script> mounts <alle-doere-chat> at the end of <body>.
 *
 * Rules this file keeps, because host pages and our own pages run a strict CSP
 * (style-src 'self'; script-src 'self') and because the people using it are often in distress:
 * - No request to any host but the API base (the origin of this script): no fonts, no CDNs.
 * - No <style>, no style="" and no inline handlers: the CSS is ${base}/static/widget.css.
 * - Text is always inserted as text (textContent), never as HTML.
 * - sessionStorage holds the reply data (never HTML), so a reload restores the conversation.
 */
(() => {
  'use strict';

  const TAG = 'alle-doere-chat';
  if (customElements.get(TAG)) return; // the script was included twice

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const TIMEOUT_MS = 15000;

  // Only used if texts.json cannot be fetched, so that the launcher and input still work.
  const FALLBACK = {
    launcher: 'Få hjælp', launcher_close: 'Luk', title: 'Alle Døre', log_label: 'Samtale',
    input_label: 'Din besked', send: 'Send', restart: 'Start forfra', you: 'Dig', bot: 'Alle Døre',
    error: 'Beskeden kom ikke frem. Prøv igen. Er der fare for liv, så ring 112.',
    crisis_title: 'Ring 112', via: '{name}',
  };

  // Build an element: el('p', {className: 'x', hidden: true}, 'text', child). Children that are
  // strings become text nodes, so data can never turn into markup.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'className' || key === 'hidden' || key === 'disabled' || key === 'type') node[key] = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  // tel: link target: 8-digit Danish numbers get +45; short numbers (112, 1888) stay as they are.
  function telHref(number) {
    const digits = String(number).replace(/\D/g, '');
    if (String(number).trim().startsWith('+')) return `tel:+${digits}`;
    return digits.length === 8 ? `tel:+45${digits}` : `tel:${digits}`;
  }

  // Only http(s) links: a javascript: URL in the data must never become a link.
  function safeUrl(url) {
    try {
      const parsed = new URL(url);
      return ['http:', 'https:'].includes(parsed.protocol) ? parsed.href : null;
    } catch {
      return null;
    }
  }

  // fetch with a deadline. AbortController rather than AbortSignal.timeout(): older Safari lacks
  // the latter, and a TypeError there would look like a network failure on every message.
  async function fetchWithin(url, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await fetch(url, { ...options, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  function firstSentence(text) {
    const match = String(text || '').match(/^.*?[.!?](?=\s|$)/s);
    return (match ? match[0] : String(text || '')).trim();
  }

  class AlleDoereChat extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      this.busy = false;
      this.generation = 0;
    }

    connectedCallback() {
      if (this.started) return;
      this.started = true;
      this.base = this.getAttribute('api') || location.origin;
      this.kommune = this.getAttribute('kommune') || null;
      this.language = this.getAttribute('language') || 'da';
      this.key = `alledoere:${this.kommune || '-'}`;
      // Hidden until both the stylesheet and the texts are in: no flash of an unstyled button.
      this.hidden = true;
      const link = el('link', { rel: 'stylesheet', href: `${this.base}/static/widget.css` });
      const styled = new Promise((resolve) => {
        link.addEventListener('load', resolve);
        link.addEventListener('error', resolve); // unstyled but usable beats invisible
      });
      this.root.append(link);
      Promise.all([this.loadTexts(), styled]).then(([texts]) => {
        this.t = texts;
        this.build();
        this.restore();
        this.hidden = false;
      });
    }

    async loadTexts() {
      const url = `${this.base}/widget/texts.json?language=${encodeURIComponent(this.language)}`;
      try {
        const response = await fetchWithin(url);
        if (!response.ok) throw new Error(String(response.status));
        return { ...FALLBACK, ...(await response.json()) };
      } catch {
        return { ...FALLBACK };
      }
    }

    text(key) {
      return String(this.t[key] || '');
    }

    build() {
      const t = (key) => this.text(key);
      this.launcher = el('button', {
        type: 'button', className: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'adc-panel',
        onclick: () => (this.panel.hidden ? this.open(true) : this.close(true)),
      }, el('span', { className: 'launcher-icon', 'aria-hidden': 'true' }), t('launcher'));

      this.crisis = el('div', { className: 'crisis', hidden: true });
      this.log = el('div', {
        className: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('log_label'), tabindex: '0',
      });
      this.status = el('p', { className: 'status', role: 'status' });
      this.input = el('textarea', {
        id: 'adc-input', rows: '2', placeholder: t('placeholder') || null, autocomplete: 'off',
        onkeydown: (event) => {
          // Enter sends; Shift+Enter is a new line; an IME composing a character is left alone.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            this.submit();
          }
        },
      });
      this.sendButton = el('button', { type: 'submit', className: 'send' }, t('send'));
      const form = el('form', {
        className: 'compose',
        onsubmit: (event) => {
          event.preventDefault();
          this.submit();
        },
      }, el('label', { for: 'adc-input', className: 'vh' }, t('input_label')), this.input, this.sendButton);

      const tools = el('div', { className: 'tools' },
        t('human_message') && el('button', {
          type: 'button', className: 'tool',
          onclick: () => this.send(t('human_message'), t('human_message')),
        }, t('human') || t('human_message')),
        el('button', { type: 'button', className: 'tool', onclick: () => this.restart() }, t('restart')));

      this.panel = el('section', {
        id: 'adc-panel', className: 'panel', role: 'dialog', 'aria-modal': 'false',
        'aria-labelledby': 'adc-title', lang: this.language, hidden: true,
      },
      el('div', { className: 'head' },
        el('h2', { id: 'adc-title', className: 'title' }, t('title')),
        el('button', {
          type: 'button', className: 'close', 'aria-label': t('launcher_close'), onclick: () => this.close(true),
        }, el('span', { 'aria-hidden': 'true' }, '×'))),
      this.crisis, this.log, this.status, form, tools);

      // Escape anywhere in the widget (panel or launcher) closes and returns focus to the launcher.
      this.root.append(el('div', {
        className: 'widget', lang: this.language,
        onkeydown: (event) => {
          if (event.key === 'Escape' && !this.panel.hidden) {
            event.preventDefault();
            this.close(true);
          }
        },
      }, this.panel, this.launcher));
    }

    // ---- state (sessionStorage; may be unavailable, e.g. storage blocked: then memory only) ----

    static empty(open = false) {
      return { session: null, open, crisis: false, crisisLines: [], turns: [] };
    }

    load() {
      try {
        const state = JSON.parse(sessionStorage.getItem(this.key) || 'null');
        if (state && Array.isArray(state.turns)) {
          const crisisLines = Array.isArray(state.crisisLines) ? state.crisisLines : [];
          return { ...AlleDoereChat.empty(), ...state, crisisLines };
        }
      } catch { /* unreadable: start afresh */ }
      return AlleDoereChat.empty();
    }

    save() {
      try {
        sessionStorage.setItem(this.key, JSON.stringify(this.state));
      } catch { /* full or blocked: the conversation still works, it just won't survive a reload */ }
    }

    restore() {
      this.state = this.load();
      try {
        this.renderAll();
      } catch {
        // Stored data that cannot be drawn (another version of this script): start afresh.
        this.state = AlleDoereChat.empty(this.state.open);
        this.save();
        this.renderAll();
      }
      if (this.state.open) this.open(false); // no focus jump on page load
    }

    renderAll() {
      const greeting = this.text('subtitle');
      this.log.replaceChildren(...(greeting ? [this.bubble('bot', greeting)] : []));
      for (const turn of this.state.turns) {
        if (turn.user !== undefined) this.log.append(this.bubble('user', turn.user));
        if (turn.reply) this.log.append(this.renderReply(turn.reply));
      }
      this.pruneChoices();
      this.renderCrisis();
      this.log.scrollTop = this.log.scrollHeight;
    }

    // ---- opening and closing ----

    open(focus) {
      this.panel.hidden = false;
      this.launcher.setAttribute('aria-expanded', 'true');
      this.setOpen(true);
      this.log.scrollTop = this.log.scrollHeight;
      if (focus) this.input.focus();
    }

    close(focus) {
      this.panel.hidden = true;
      this.launcher.setAttribute('aria-expanded', 'false');
      this.setOpen(false);
      if (focus) this.launcher.focus();
    }

    setOpen(open) {
      if (this.state.open === open) return;
      this.state.open = open;
      this.save();
    }

    // ---- sending ----

    submit() {
      this.send(this.input.value, this.input.value, true);
    }

    // message goes to the bot; shown is what the person sees as their own bubble (a quick reply's
    // title rather than its payload).
    async send(message, shown, fromInput = false) {
      if (this.busy || !String(message).trim()) return;
      this.busy = true;
      this.sendButton.disabled = true;
      this.log.setAttribute('aria-busy', 'true');
      this.status.textContent = this.text('thinking');
      const generation = this.generation;
      const pending = this.bubble('user', shown);
      this.log.append(pending);
      this.scrollTo(pending);
      if (fromInput) this.input.value = '';
      this.input.focus();
      let reply = null;
      try {
        reply = await this.post(message);
      } catch { /* shown below */ }
      if (generation !== this.generation) return; // restarted while waiting: drop the answer
      this.idle();
      if (reply) {
        this.state.session = reply.session_id || this.state.session;
        this.state.turns.push({ user: shown, reply });
        if (reply.crisis) this.noteCrisis(reply);
        this.save();
        this.log.append(this.renderReply(reply));
        this.pruneChoices();
        this.renderCrisis();
        this.scrollTo(pending);
      } else {
        // Nothing lost: the unsent bubble goes, the text goes back into the input.
        pending.remove();
        const error = this.bubble('bot', this.text('error'), 'error');
        this.log.append(error);
        this.scrollTo(error);
        // Whatever was typed while waiting stays, after the message that failed.
        if (fromInput) this.input.value = [message, this.input.value].filter(Boolean).join('\n');
      }
    }

    idle() {
      this.busy = false;
      this.sendButton.disabled = false;
      this.log.removeAttribute('aria-busy');
      this.status.textContent = '';
    }

    async post(message) {
      const response = await fetchWithin(`${this.base}/api/chat`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          session_id: this.state.session, message, kommune: this.kommune, language: this.language,
        }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const reply = await response.json();
      if (!reply || !Array.isArray(reply.messages)) throw new Error('bad reply');
      return reply;
    }

    // Show the start of what was just added, so a long answer is read from its top.
    scrollTo(node) {
      if (node) this.log.scrollTop = Math.max(0, node.offsetTop - this.log.offsetTop - 8);
    }

    restart() {
      try {
        sessionStorage.removeItem(this.key);
      } catch { /* nothing stored */ }
      this.generation += 1;
      this.idle();
      this.state = AlleDoereChat.empty(!this.panel.hidden);
      this.save();
      this.renderAll();
      this.input.value = '';
      this.status.textContent = this.text('cleared');
      this.input.focus();
    }

    // ---- crisis ----

    noteCrisis(reply) {
      this.state.crisis = true;
      const known = new Set(this.state.crisisLines.map((line) => line.id));
      for (const svc of reply.services || []) {
        const phone = svc.phone || (svc.phones && svc.phones[0] && svc.phones[0].number);
        // 112 is already the banner's first line.
        if (svc.crisis && phone && phone.replace(/\D/g, '') !== '112' && !known.has(svc.id)) {
          known.add(svc.id);
          this.state.crisisLines.push({ id: svc.id, name: svc.name, phone });
        }
      }
    }

    renderCrisis() {
      this.crisis.hidden = !this.state.crisis;
      if (!this.state.crisis) return this.crisis.replaceChildren();
      const lines = this.state.crisisLines;
      this.crisis.replaceChildren(
        el('p', { className: 'crisis-title' }, el('a', { href: 'tel:112' }, this.text('crisis_title'))),
        lines.length ? el('p', {}, this.text('crisis_lines')) : null,
        lines.length ? el('ul', {}, lines.map((line) => el('li', {},
          `${line.name}: `, el('a', { href: telHref(line.phone) }, line.phone)))) : null);
    }

    // ---- rendering ----

    bubble(who, text, extra) {
      const name = who === 'user' ? this.text('you') : this.text('bot');
      return el('div', { className: `msg ${who}${extra ? ` ${extra}` : ''}` },
        el('span', { className: 'vh' }, `${name}: `), String(text ?? ''));
    }

    renderReply(reply) {
      const services = new Map((reply.services || []).map((svc) => [svc.id, svc]));
      const drawn = new Set();
      const out = el('div', { className: 'reply' });
      for (const message of reply.messages || []) {
        // A message that is the text form of service cards is drawn as those cards.
        const cards = (message.services || []).map((id) => services.get(id)).filter(Boolean);
        for (const svc of cards) {
          drawn.add(svc.id);
          out.append(this.card(svc));
        }
        if (message.text && !cards.length) out.append(this.bubble('bot', message.text));
        if (message.buttons && message.buttons.length) {
          out.append(el('div', { className: 'choices' }, message.buttons.map((button) => el('button', {
            type: 'button', className: 'choice', onclick: () => this.send(button.payload, button.title),
          }, button.title))));
        }
      }
      // Services no message stands for (crisis lines, limited mode) follow the messages.
      for (const svc of services.values()) if (!drawn.has(svc.id)) out.append(this.card(svc));
      for (const source of reply.sources || []) {
        const where = [source.document, source.section].filter(Boolean).join(', ');
        out.append(el('details', { className: 'source' },
          el('summary', {}, `${this.text('sources')}: ${where}`),
          el('p', {}, source.excerpt || '')));
      }
      if (reply.limited) out.append(el('p', { className: 'notice' }, this.text('limited')));
      return out;
    }

    // Only the latest answer's quick replies are live; older choices would answer a question
    // the bot is no longer asking.
    pruneChoices() {
      const all = [...this.log.querySelectorAll('.choices')];
      const last = this.log.lastElementChild;
      for (const group of all) if (!last || !last.contains(group)) group.remove();
    }

    card(svc) {
      const t = (key) => this.text(key);
      const line = (label, ...value) => el('p', { className: 'line' }, el('span', { className: 'label' }, `${label}: `), ...value);
      const phone = svc.phone || (svc.phones && svc.phones[0] && svc.phones[0].number);
      const via = !phone && svc.via ? svc.via : null;
      const parts = [];
      if (phone) parts.push(line(t('phone'), el('a', { href: telHref(phone) }, phone)));
      if (via) {
        parts.push(el('p', { className: 'via' }, t('via').replace('{name}', via.name || '')));
        if (via.phone) parts.push(line(t('phone'), el('a', { href: telHref(via.phone) }, via.phone)));
      }
      const address = svc.address || (via && via.address);
      if (address) parts.push(line(t('address'), address));
      const url = safeUrl(svc.url || (via && !via.phone && !via.address ? via.url : ''));
      if (url && !phone && !address && !(via && via.phone)) {
        parts.push(line(t('website'), el('a', { href: url }, url.replace(/^https?:\/\/(www\.)?/, '').replace(/\/$/, ''))));
      }
      parts.push(this.opening(svc));
      return el('article', { className: `card${svc.crisis ? ' card-crisis' : ''}` },
        el('span', { className: 'vh' }, `${t('bot')}: `),
        el('h3', { className: 'card-name' }, svc.name || ''),
        svc.description ? el('p', { className: 'what' }, firstSentence(svc.description)) : null,
        ...parts);
    }

    // Open/closed is said in words (not colour alone); the badge is left out when the opening
    // sentence already starts with the same word ("Åben nu" / "Åbent nu til kl. 15").
    opening(svc) {
      const sentence = svc.opening || '';
      const state = svc.open_now === true ? 'open' : svc.open_now === false ? 'closed' : 'unknown';
      const badge = state === 'open' ? this.text('open_now') : state === 'closed' ? this.text('closed_now') : '';
      const word = badge.split(/\s+/)[0].toLowerCase();
      const showBadge = badge && !(word && sentence.toLowerCase().startsWith(word));
      if (!sentence && !showBadge) return null;
      return el('p', { className: `opening ${state}` },
        showBadge ? el('span', { className: 'badge' }, badge) : null,
        showBadge && sentence ? ' ' : null, sentence);
    }
  }

  customElements.define(TAG, AlleDoereChat);

  // Mount: one element per page, configured from the <script> tag's data- attributes.
  function mount() {
    if (!script || document.querySelector(TAG)) return;
    const widget = document.createElement(TAG);
    widget.setAttribute('api', new URL(script.src, location.href).origin);
    if (script.dataset.kommune) widget.setAttribute('kommune', script.dataset.kommune);
    widget.setAttribute('language', script.dataset.language || 'da');
    document.body.append(widget);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
