import { api, authHeaders, credential, forget, remember, whenSignedOut } from './api';
import { disposeDetached } from './charts';
import { fill, h } from './dom';
import { portfoliosPage } from './pages/portfolios';
import { portfolioPage } from './pages/portfolio';
import { tapesPage } from './pages/tapes';

/** Hash routes: the page never needs the server to know its paths, and nothing sensitive is in them. */
const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;

function signIn(error?: string): void {
  nav.hidden = true;
  const input = h('input', { id: 'secret', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', size: 60 });
  const status = h('p', { id: 'sign-in-error', class: 'error', role: 'alert', hidden: !error }, error ?? '');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-describedby': 'sign-in-error' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste an API key or a bearer token. It is kept for this tab only and sent as a header, never in a link.'),
    h('label', { for: 'secret' }, 'API key or token'),
    input,
    status,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void check(input.value.trim(), status);
  });
  fill(main, form);
  input.focus();
}

/** Tries the credential on a cheap read before keeping it. */
async function check(secret: string, status: HTMLElement): Promise<void> {
  if (!secret) return;
  status.hidden = true;
  // Nothing is stored until the service has accepted it.
  const { response } = await api.GET('/portfolios', { params: { query: { page_size: 1 } }, headers: authHeaders(secret) }).catch(() => ({ response: null }));
  if (response?.ok) {
    remember(secret);
    route();
    return;
  }
  status.textContent =
    response?.status === 401
      ? 'That key or token was not accepted: it is wrong, revoked or expired.'
      : `The service could not check it (${response ? `HTTP ${response.status}` : 'no answer'}). Try again.`;
  status.hidden = false;
}

function route(): void {
  disposeDetached();
  if (!credential()) return signIn();
  nav.hidden = false;
  const path = location.hash.replace(/^#/, '') || '/portfolios';
  const portfolio = /^\/portfolios\/([0-9a-f-]{36})$/i.exec(path);
  for (const a of Array.from(nav.querySelectorAll('a'))) a.toggleAttribute('aria-current', path.startsWith(a.getAttribute('href')!.slice(1)));
  if (portfolio) portfolioPage(main, portfolio[1]);
  else if (path === '/tapes') tapesPage(main);
  else portfoliosPage(main);
  main.focus({ preventScroll: true });
}

whenSignedOut((reason) => signIn(reason));
document.getElementById('sign-out')!.addEventListener('click', () => {
  forget();
  signIn();
});
window.addEventListener('hashchange', route);
route();
