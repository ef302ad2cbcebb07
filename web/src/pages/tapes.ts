import { api, claimedRole, credential, must, type Schemas } from '../api';
import { empty, failure, fill, h, loading, saveBlob } from '../dom';
import { bytes, count } from '../format';
import { sortableTable } from '../table';

type Tape = Schemas['TapeResponse'];
type Config = Schemas['TapeConfigResponse'];
type Job = Schemas['JobResponse'];

const POLL_MS = 1000;
const FINAL = new Set(['completed', 'failed']);

/** A job's progress as a percentage when it reports a number. */
const progressOf = (j: Job) => (typeof j.progress === 'number' ? j.progress : null);

export function tapesPage(main: HTMLElement): void {
  const configs = h('div', { id: 'tape-configs' }, loading());
  const tapes = h('div', { id: 'tapes' }, loading());
  const jobs = h('div', { id: 'jobs', 'aria-live': 'polite' });
  const message = h('p', { class: 'note', role: 'status' });
  const watching = new Map<string, Job | null>();
  // Only an admin may generate; a token says its role, an API key does not (the server decides then).
  const role = claimedRole(credential() ?? '');
  const mayGenerate = role === null || role === 'admin' || role === 'owner';
  let timer: number | undefined;

  const drawJobs = () => {
    const running = [...watching.entries()];
    if (!running.length) return fill(jobs, empty('No tape jobs running.'));
    fill(
      jobs,
      h(
        'ul',
        { class: 'jobs' },
        ...running.map(([id, j]) => {
          const pct = j ? progressOf(j) : null;
          return h(
            'li',
            {},
            h('span', { class: 'job-name' }, j ? `${j.name} · ${j.state}` : 'waiting for the job…'),
            ' ',
            h('progress', { max: 100, value: pct ?? undefined, 'aria-label': `job ${id}` }),
            pct === null ? '' : ` ${pct} %`,
            j?.failed_reason ? h('span', { class: 'error' }, ` ${j.failed_reason}`) : null,
          );
        }),
      ),
    );
  };

  /** Polls every watched job; when one settles, the tape list is read again to show its outcome. */
  const poll = async () => {
    timer = undefined;
    if (!main.contains(jobs)) return; // the page was left
    let settled = false;
    await Promise.all(
      [...watching.keys()].map(async (id) => {
        const j = await must(api.GET('/jobs/{id}', { params: { path: { id } } })).catch(() => null);
        if (j && FINAL.has(j.state)) {
          watching.delete(id);
          settled = true;
        } else watching.set(id, j);
      }),
    );
    drawJobs();
    if (settled) await loadTapes();
    if (watching.size) timer = window.setTimeout(() => void poll(), POLL_MS);
  };
  const watch = (jobIds: string[]) => {
    for (const id of jobIds) if (!watching.has(id)) watching.set(id, null);
    drawJobs();
    if (watching.size && timer === undefined) timer = window.setTimeout(() => void poll(), 0);
  };

  const download = async (t: Tape) => {
    message.textContent = `Downloading ${t.file_name}…`;
    try {
      const { data, response } = await api.GET('/loan-tapes/{id}/download', { params: { path: { id: t.id } }, parseAs: 'blob' });
      if (!response.ok || !data) throw new Error(`Download failed (HTTP ${response.status})`);
      saveBlob(data, t.file_name);
      message.textContent = '';
    } catch (err) {
      message.textContent = err instanceof Error ? err.message : String(err);
    }
  };

  const generate = async (c: Config) => {
    message.textContent = `Requesting a tape from “${c.name}”…`;
    try {
      const accepted = await must(api.POST('/loan-tape-configs/{id}/generate', { params: { path: { id: c.id } }, body: {} }));
      message.textContent = `Tape requested from “${c.name}”.`;
      watch([accepted.job_id]);
      await loadTapes();
    } catch (err) {
      message.textContent = err instanceof Error ? err.message : String(err);
    }
  };

  const loadConfigs = async () => {
    try {
      const page = await must(api.GET('/loan-tape-configs', { params: { query: { page_size: 500 } } }));
      if (!page.results.length) return fill(configs, empty('No tape configurations yet.'));
      fill(
        configs,
        sortableTable<Config>('Tape configurations', page.results, [
          { label: 'Name', cell: (c) => c.name, key: (c) => c.name },
          { label: 'Format', cell: (c) => c.format, key: (c) => c.format },
          { label: 'Schedule', cell: (c) => (c.schedule === 'none' ? 'none' : `${c.schedule} at ${c.schedule_hour}:00 UTC`), key: (c) => c.schedule },
          { label: 'Columns', cell: (c) => count(c.columns.length), key: (c) => c.columns.length, numeric: true },
          { label: 'Active', cell: (c) => (c.is_active ? 'yes' : 'no'), key: (c) => String(c.is_active) },
          {
            label: 'Generate',
            cell: (c) =>
              mayGenerate && c.is_active
                ? h('button', { type: 'button', 'data-generate': c.id, onclick: () => void generate(c) }, 'Generate now')
                : h('span', { class: 'note' }, c.is_active ? 'admins only' : 'inactive'),
          },
        ]).table,
      );
    } catch (err) {
      fill(configs, failure(err));
    }
  };

  const loadTapes = async () => {
    try {
      const page = await must(api.GET('/loan-tapes', { params: { query: { page_size: 100 } } }));
      watch(page.results.filter((t) => !FINAL.has(t.status) && t.job_id).map((t) => t.job_id as string));
      if (!page.results.length) return fill(tapes, empty('No tapes generated yet.'));
      fill(
        tapes,
        sortableTable<Tape>(`Generated tapes (latest ${page.results.length} of ${count(page.count)})`, page.results, [
          { label: 'File', cell: (t) => t.file_name, key: (t) => t.file_name },
          { label: 'As of', cell: (t) => t.as_of_date, key: (t) => t.as_of_date },
          { label: 'Status', cell: (t) => h('span', { class: `badge ${t.status}`, title: t.failed_reason ?? '' }, t.status), key: (t) => t.status },
          { label: 'Rows', cell: (t) => count(t.row_count), key: (t) => t.row_count, numeric: true },
          { label: 'Size', cell: (t) => bytes(t.byte_size), key: (t) => t.byte_size, numeric: true },
          { label: 'Requested', cell: (t) => t.created_at.replace('T', ' ').slice(0, 19), key: (t) => t.created_at },
          { label: 'Download', cell: (t) => (t.status === 'completed' ? h('button', { type: 'button', onclick: () => void download(t) }, 'Download') : '—') },
        ]).table,
      );
    } catch (err) {
      fill(tapes, failure(err));
    }
  };

  fill(
    main,
    h('h1', {}, 'Tapes and jobs'),
    message,
    h('section', { class: 'panel', 'aria-labelledby': 'jobs-title' }, h('h2', { id: 'jobs-title' }, 'Running jobs'), jobs),
    h('section', { class: 'panel', 'aria-labelledby': 'configs-title' }, h('h2', { id: 'configs-title' }, 'Configurations'), configs),
    h('section', { class: 'panel', 'aria-labelledby': 'tapes-title' }, h('h2', { id: 'tapes-title' }, 'Tapes'), tapes),
  );
  drawJobs();
  void loadConfigs();
  void loadTapes();
}
