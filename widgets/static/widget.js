/* Alle Døre chat widget: <script src="https://host/widget.js" data-kommune="svendborg"
 * data-language="da" defer></script> mounts <alle-doere-chat> at the end of <body>.
 *
 * Rules this file keeps, because host pages run a strict CSP (README, "Embed the widget") and
 * because the people using it are often in distress:
 * - No request to any host but the API base (the origin of this script): no fonts, no CDNs.
 * - No <style>, no style="", no inline handlers, no eval: the CSS is ${base}/static/widget.css.
 * - Text is always inserted as text, never as HTML (Trusted Types pages work too).
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
    'widget.launcher': 'Få hjælp', 'widget.launcher_close': 'Luk', 'widget.title': 'Alle Døre',
    'widget.log_label': 'Samtale', 'widget.input_label': 'Din besked', 'widget.send': 'Send',
    'widget.restart': 'Start forfra', 'widget.you': 'Dig', 'widget.bot': 'Alle Døre',
    'widget.error': 'Beskeden kom ikke frem. Prøv igen. Er der fare for liv, så ring 112.',
    'widget.crisis_title': 'Ring 112', 'widget.via': '{name}', language: 'da', dir: 'ltr',
  };
  // The languages the widget's own words exist in, each named in itself, for the menu.
  const LANGUAGES = { da: 'Dansk', en: 'English', uk: 'Українська', ar: 'العربية' };

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

  // Which way a text runs, from its first letter: an English answer or a Danish service name in
  // the Arabic widget runs left to right, the interpreter offer in Arabic right to left.
  function direction(text) {
    const first = String(text || '').match(/[A-Za-z\u00C0-\u024F\u0370-\u04FF]|[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/);
    return first && /[A-Za-z\u00C0-\u024F\u0370-\u04FF]/.test(first[0]) ? 'ltr' : first ? 'rtl' : null;
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
      // The language the host page set, if any; else the one the conversation found, else the
      // page's own, else Danish. With none set, the server detects it from the first message.
      this.language = this.getAttribute('language') || null;
      this.key = `alledoere:${this.kommune || '-'}`;
      this.state = this.load();
      // Hidden until both the stylesheet and the texts are in: no flash of an unstyled button.
      this.hidden = true;
      const link = el('link', { rel: 'stylesheet', href: `${this.base}/static/widget.css` });
      const styled = new Promise((resolve) => {
        link.addEventListener('load', resolve);
        link.addEventListener('error', resolve); // unstyled but usable beats invisible
      });
      this.root.append(link);
      Promise.all([this.loadTexts(this.uiLanguage()), styled]).then(([texts]) => {
        this.words = texts;
        this.build();
        this.restore();
        this.hidden = false;
      });
    }

    uiLanguage() {
      const page = (document.documentElement.lang || '').slice(0, 2).toLowerCase();
      return this.state.language || this.language || (LANGUAGES[page] ? page : 'da');
    }

    async loadTexts(language) {
      const url = `${this.base}/widget/texts.json?language=${encodeURIComponent(language)}`;
      try {
        const response = await fetchWithin(url);
        if (!response.ok) throw new Error(String(response.status));
        return { ...FALLBACK, ...(await response.json()) };
      } catch {
        return { ...FALLBACK };
      }
    }

    // Redraw everything in another language: the person chose it, or wrote in it.
    async switchLanguage(language) {
      if (!language || language === this.words.language) return;
      this.state.language = language;
      this.save();
      const words = await this.loadTexts(language);
      const typed = this.input.value;
      const open = !this.panel.hidden;
      const focused = this.root.activeElement === this.languageMenu;
      this.words = words;
      this.root.querySelector('.widget').remove();
      this.build();
      this.renderAll();
      this.input.value = typed;
      if (open) this.open(false);
      if (focused) this.languageMenu.focus();
    }

    t(key) {
      return String(this.words[key] || '');
    }

    build() {
      const t = (key) => this.t(key);
      this.launcher = el('button', {
        type: 'button', className: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'adc-panel',
        onclick: () => (this.panel.hidden ? this.open(true) : this.close(true)),
      }, el('span', { className: 'launcher-icon', 'aria-hidden': 'true' }), t('widget.launcher'));

      this.crisis = el('div', { className: 'crisis', hidden: true });
      this.log = el('div', {
        className: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('widget.log_label'), tabindex: '0',
      });
      this.status = el('p', { className: 'status', role: 'status' });
      this.input = el('textarea', {
        id: 'adc-input', rows: '2', placeholder: t('widget.placeholder') || null, autocomplete: 'off',
        onkeydown: (event) => {
          // Enter sends; Shift+Enter is a new line; an IME composing a character is left alone.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            this.submit();
          }
        },
      });
      this.sendButton = el('button', { type: 'submit', className: 'send' }, t('widget.send'));
      const form = el('form', {
        className: 'compose',
        onsubmit: (event) => {
          event.preventDefault();
          this.submit();
        },
      }, el('label', { for: 'adc-input', className: 'vh' }, t('widget.input_label')), this.input, this.sendButton);

      const tools = el('div', { className: 'tools' },
        t('widget.human_message') && el('button', {
          type: 'button', className: 'tool',
          // The intent itself, so it is understood whatever language the words are in.
          onclick: () => this.send('/ask_human', t('widget.human_message')),
        }, t('widget.human') || t('widget.human_message')),
        el('button', { type: 'button', className: 'tool', onclick: () => this.restart() }, t('widget.restart')));

      // Each language is named in itself, and marked as such, so a screen reader says it right.
      const current = this.words.language || 'da';
      this.languageMenu = el('select', {
        id: 'adc-language', className: 'language',
        onchange: (event) => this.switchLanguage(event.target.value),
      }, Object.entries(LANGUAGES).map(([code, name]) => {
        const option = el('option', { value: code, lang: code }, name);
        option.selected = code === current;
        return option;
      }));
      tools.append(el('span', { className: 'language-choice' },
        el('label', { for: 'adc-language' }, t('widget.language')), this.languageMenu));

      this.panel = el('section', {
        id: 'adc-panel', className: 'panel', role: 'dialog', 'aria-modal': 'false',
        'aria-labelledby': 'adc-title', lang: current, dir: this.words.dir || 'ltr', hidden: true,
      },
      el('div', { className: 'head' },
        el('h2', { id: 'adc-title', className: 'title' }, t('widget.title')),
        el('button', {
          type: 'button', className: 'close', 'aria-label': t('widget.launcher_close'), onclick: () => this.close(true),
        }, el('span', { 'aria-hidden': 'true' }, '×'))),
      this.crisis, this.log, this.status, form, tools);

      // Escape anywhere in the widget (panel or launcher) closes and returns focus to the launcher.
      this.root.append(el('div', {
        className: 'widget', lang: current, dir: this.words.dir || 'ltr',
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
      const greeting = this.t('widget.subtitle');
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
      this.status.textContent = this.t('widget.thinking');
      const generation = this.generation;
      const pending = this.bubble('user', shown);
      this.log.append(pending);
      this.scrollTo(pending);
      if (fromInput) this.input.value = '';
      this.input.focus();
      let reply = null;
      let refusal = null;
      try {
        reply = await this.post(message);
      } catch (error) {
        refusal = error.detail; // the server's own kind sentence (429, 413), else none
      }
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
        // The server found the language the person writes in: show the widget in it too.
        if (reply.language && !this.state.language && !this.language) {
          await this.switchLanguage(reply.language);
          this.input.focus();
        }
      } else {
        // Nothing lost: the unsent bubble goes, the text goes back into the input.
        pending.remove();
        const error = this.bubble('bot', refusal || this.t('widget.error'), 'error');
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
      const language = this.state.language || this.language;
      const query = language ? `?language=${encodeURIComponent(language)}` : '';
      const response = await fetchWithin(`${this.base}/api/chat${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          session_id: this.state.session,
          message,
          kommune: this.kommune,
          language: this.state.language || this.language,
        }),
      });
      if (!response.ok) {
        const error = new Error(`HTTP ${response.status}`);
        try {
          const { detail } = await response.json();
          if (typeof detail === 'string') error.detail = detail;
        } catch { /* no kind sentence: the widget's own is shown */ }
        throw error;
      }
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
      // A new conversation, in the same language.
      this.state = { ...AlleDoereChat.empty(!this.panel.hidden), language: this.state.language };
      this.save();
      this.renderAll();
      this.input.value = '';
      this.status.textContent = this.t('widget.cleared');
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
        el('p', { className: 'crisis-title' }, el('a', { href: 'tel:112' }, this.t('widget.crisis_title'))),
        lines.length ? el('p', {}, this.t('widget.crisis_lines')) : null,
        lines.length ? el('ul', {}, lines.map((line) => el('li', {},
          `${line.name}: `, el('a', { href: telHref(line.phone) }, line.phone)))) : null);
    }

    // ---- rendering ----

    bubble(who, text, extra) {
      const name = who === 'user' ? this.t('widget.you') : this.t('widget.bot');
      return el('div', { className: `msg ${who}${extra ? ` ${extra}` : ''}`, dir: direction(text) },
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
          el('summary', {}, `${this.t('widget.sources')}: ${where}`),
          el('p', {}, source.excerpt || '')));
      }
      if (reply.limited) out.append(el('p', { className: 'notice' }, this.t('widget.limited')));
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
      const t = (key) => this.t(key);
      const line = (label, ...value) => el('p', { className: 'line' }, el('span', { className: 'label' }, `${label}: `), ...value);
      const phone = svc.phone || (svc.phones && svc.phones[0] && svc.phones[0].number);
      const via = !phone && svc.via ? svc.via : null;
      const parts = [];
      if (phone) parts.push(line(t('widget.phone'), el('a', { href: telHref(phone) }, phone)));
      if (via) {
        parts.push(el('p', { className: 'via' }, t('widget.via').replace('{name}', via.name || '')));
        if (via.phone) parts.push(line(t('widget.phone'), el('a', { href: telHref(via.phone) }, via.phone)));
      }
      const address = svc.address || (via && via.address);
      if (address) parts.push(line(t('widget.address'), address));
      const url = safeUrl(svc.url || (via && !via.phone && !via.address ? via.url : ''));
      if (url && !phone && !address && !(via && via.phone)) {
        parts.push(line(t('widget.website'), el('a', { href: url }, url.replace(/^https?:\/\/(www\.)?/, '').replace(/\/$/, ''))));
      }
      parts.push(this.opening(svc));
      return el('article', { className: `card${svc.crisis ? ' card-crisis' : ''}`, dir: direction(svc.name) },
        el('span', { className: 'vh' }, `${t('widget.bot')}: `),
        el('h3', { className: 'card-name' }, svc.name || ''),
        svc.description ? el('p', { className: 'what' }, firstSentence(svc.description)) : null,
        ...parts);
    }

    // Open/closed is said in words (not colour alone); the badge is left out when the opening
    // sentence already starts with the same word ("Åben nu" / "Åbent nu til kl. 15").
    opening(svc) {
      const sentence = svc.opening || '';
      const state = svc.open_now === true ? 'open' : svc.open_now === false ? 'closed' : 'unknown';
      const badge = state === 'open' ? this.t('widget.open_now') : state === 'closed' ? this.t('widget.closed_now') : '';
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
    // No data-language: the widget follows the page, then the language the person writes in.
    if (script.dataset.language) widget.setAttribute('language', script.dataset.language);
    document.body.append(widget);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
