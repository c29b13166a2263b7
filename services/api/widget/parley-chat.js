// Parley web chat widget. Embed with:
//   <script src="https://<parley-api>/chat/widget.js" data-queue="chat" data-title="Chat with us"
//           data-questions="topic:What is it about?" async></script>
// It talks to the API that served it: POST /chat/v1/chats to start, then the visitor socket. The chat id and key
// stay in localStorage, so a visitor who reloads or comes back later rejoins the same conversation. Plain browser
// JavaScript, no build step, styles isolated in a shadow root.
(() => {
  const script = document.currentScript;
  const api = new URL(script.src).origin;
  const queue = script.dataset.queue || undefined;
  const title = script.dataset.title || 'Chat with us';
  const questions = (script.dataset.questions || '')
    .split(';')
    .map((pair) => pair.split(':'))
    .filter(([name, label]) => name && label)
    .map(([name, label]) => ({ name: name.trim(), label: label.trim() }));
  const storageKey = `parley-chat:${api}`;

  const host = document.createElement('div');
  host.setAttribute('data-parley-chat', '');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
    <style>
      :host { all: initial; font: 14px/1.4 system-ui, sans-serif; }
      .open { position: fixed; right: 20px; bottom: 20px; border: 0; border-radius: 24px; padding: 12px 18px;
        background: #1f5eff; color: #fff; cursor: pointer; box-shadow: 0 2px 8px #0004; }
      .panel { position: fixed; right: 20px; bottom: 20px; width: 320px; height: 440px; display: none;
        flex-direction: column; background: #fff; border-radius: 10px; box-shadow: 0 4px 16px #0005; overflow: hidden; }
      .panel.shown { display: flex; }
      header { background: #1f5eff; color: #fff; padding: 10px 12px; display: flex; justify-content: space-between; }
      header button { background: none; border: 0; color: #fff; cursor: pointer; }
      form.start, .log { flex: 1; overflow: auto; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
      input, textarea { font: inherit; padding: 6px; border: 1px solid #bbb; border-radius: 6px; }
      .msg { max-width: 80%; padding: 6px 10px; border-radius: 10px; white-space: pre-wrap; word-break: break-word; }
      .visitor { align-self: flex-end; background: #1f5eff; color: #fff; }
      .agent { align-self: flex-start; background: #eee; }
      .system, .status { align-self: center; color: #666; font-size: 12px; }
      .mark { font-size: 10px; opacity: 0.8; margin-left: 6px; }
      .typing { color: #666; font-size: 12px; min-height: 16px; padding: 0 10px; }
      form.send { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #ddd; }
      form.send textarea { flex: 1; resize: none; height: 38px; }
    </style>
    <button class="open" part="button">${escapeHtml(title)}</button>
    <section class="panel" role="dialog" aria-label="${escapeHtml(title)}">
      <header><span>${escapeHtml(title)}</span><span><button class="leave" title="End chat">End</button>
        <button class="close" title="Minimise">✕</button></span></header>
      <form class="start">
        <label>Name <input name="name" required maxlength="100" autocomplete="name"></label>
        <label>E-mail (optional) <input name="email" type="email" maxlength="254" autocomplete="email"></label>
        ${questions
          .map((q) => `<label>${escapeHtml(q.label)} <input name="q:${escapeHtml(q.name)}" maxlength="500"></label>`)
          .join('')}
        <button type="submit">Start chat</button>
        <p class="problem" role="alert"></p>
      </form>
      <div class="log" aria-live="polite" hidden></div>
      <div class="typing" hidden></div>
      <form class="send" hidden><textarea name="text" maxlength="2000" placeholder="Type a message"></textarea>
        <button type="submit">Send</button></form>
    </section>`;
  document.body.appendChild(host);

  const $ = (selector) => root.querySelector(selector);
  const panel = $('.panel');
  const startForm = $('form.start');
  const log = $('.log');
  const typing = $('.typing');
  const sendForm = $('form.send');
  const text = sendForm.elements.text;
  const shown = new Map(); // entry id → element
  const outbox = new Map(); // message id → text, until the API confirms it
  let socket;
  let retryMs = 500;
  let typingSent = false;
  let typingTimer;

  $('.open').addEventListener('click', () => panel.classList.add('shown'));
  $('.close').addEventListener('click', () => panel.classList.remove('shown'));
  $('.leave').addEventListener('click', () => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'leave' }));
    localStorage.removeItem(storageKey);
  });

  startForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(startForm);
    const answers = {};
    for (const [name, value] of data) if (name.startsWith('q:') && value) answers[name.slice(2)] = String(value);
    const body = { name: String(data.get('name')), answers };
    if (data.get('email')) body.email = String(data.get('email'));
    if (queue) body.queue = queue;
    const response = await fetch(`${api}/chat/v1/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => undefined);
    if (!response || response.status !== 201) {
      const problem = response ? await response.json().catch(() => ({})) : {};
      $('.problem').textContent = problem.detail || 'The chat could not start; please try again.';
      return;
    }
    const started = await response.json();
    localStorage.setItem(storageKey, JSON.stringify({ chatId: started.chatId, key: started.key }));
    connect();
  });

  sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    const id = newUlid();
    outbox.set(id, value);
    show({ kind: 'message', id, from: 'visitor', text: value }, 'sending');
    text.value = '';
    flush();
  });
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      sendForm.requestSubmit();
    }
  });
  text.addEventListener('input', () => {
    if (!typingSent) send({ type: 'typing', on: true });
    typingSent = true;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      typingSent = false;
      send({ type: 'typing', on: false });
    }, 2000);
  });

  function connect() {
    const saved = JSON.parse(localStorage.getItem(storageKey) || 'null');
    if (!saved) return;
    startForm.hidden = true;
    log.hidden = sendForm.hidden = typing.hidden = false;
    socket = new WebSocket(`${api.replace(/^http/, 'ws')}/chat/v1/chats/${saved.chatId}/socket`);
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'join', key: saved.key })));
    socket.addEventListener('message', (event) => receive(JSON.parse(event.data)));
    socket.addEventListener('close', (event) => {
      if (event.code === 4401) {
        // The chat is gone (expired) or the key is wrong: start afresh.
        localStorage.removeItem(storageKey);
        startForm.hidden = false;
        log.hidden = sendForm.hidden = typing.hidden = true;
        return;
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 15_000);
    });
  }

  function receive(message) {
    if (message.type === 'joined') {
      retryMs = 500;
      for (const entry of message.transcript) showEntry(entry);
      flush();
    } else if (message.type === 'entry') showEntry(message.entry);
    else if (message.type === 'sent') {
      outbox.delete(message.id);
      mark(message.id, 'sent');
    } else if (message.type === 'error' && message.code === 'chat_ended') sendForm.hidden = true;
  }

  function showEntry(entry) {
    if (entry.kind === 'message') {
      outbox.delete(entry.id);
      show(entry, entry.from === 'visitor' ? 'sent' : '');
      if (entry.from === 'agent' && document.visibilityState === 'visible') send({ type: 'read', messageId: entry.id });
    } else if (entry.kind === 'receipt' && entry.by === 'agent') mark(entry.messageId, entry.status);
    else if (entry.kind === 'typing') typing.textContent = entry.on ? 'The agent is typing…' : '';
    else if (entry.kind === 'status') {
      const words = {
        waiting: 'Waiting for an agent…',
        connected: `${entry.agentName || 'An agent'} joined the chat`,
        ended: 'The chat has ended',
      };
      show({ kind: 'status', id: entry.id, text: words[entry.state] || entry.state }, '');
      if (entry.state === 'ended') {
        sendForm.hidden = true;
        localStorage.removeItem(storageKey);
      }
    }
  }

  function show(entry, state) {
    if (shown.has(entry.id)) return mark(entry.id, state);
    const element = document.createElement('div');
    element.className = `msg ${entry.kind === 'message' ? entry.from : 'status'}`;
    element.textContent = entry.text;
    shown.set(entry.id, element);
    log.appendChild(element);
    log.scrollTop = log.scrollHeight;
    mark(entry.id, state);
  }

  function mark(id, state) {
    const element = shown.get(id);
    if (!element || !state) return;
    let badge = element.querySelector('.mark');
    if (!badge) element.appendChild((badge = Object.assign(document.createElement('span'), { className: 'mark' })));
    badge.textContent = { sending: '…', sent: '✓', delivered: '✓✓', read: 'read' }[state] || '';
  }

  function flush() {
    for (const [id, value] of outbox) send({ type: 'message', id, text: value });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function newUlid() {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let time = Date.now();
    let id = '';
    for (let i = 0; i < 10; i++, time = Math.floor(time / 32)) id = alphabet[time % 32] + id;
    const random = crypto.getRandomValues(new Uint8Array(16));
    for (const byte of random) id += alphabet[byte % 32];
    return id;
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  if (localStorage.getItem(storageKey)) {
    panel.classList.add('shown');
    connect();
  }
})();
