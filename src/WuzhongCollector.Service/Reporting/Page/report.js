// The department's report page: choose a period, download the template, upload it (or fill the same rows here), see what
// would be stored and every reject, confirm. Nothing is stored before the confirmation. No framework, no CDN.
'use strict';

const STATUS_ZH = { normal: '公报', provisional: '快报', estimated: '预计', break: '口径调整' };
const CHANGE_ZH = { new: '新增', revised: '修订', unchanged: '无变化（与现有数据一致）', rejected: '拒收', blank: '未填写' };
const state = { me: null, antiforgery: null, pending: null, shown: null, maxBytes: 5 * 1024 * 1024 };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function num(value) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString('zh-CN', { maximumFractionDigits: 6 });
}

const $ = id => document.getElementById(id);
const department = () => $('department').value;
const period = () => $('period').value;

async function problemText(response) {
  if (response.status === 413) return `文件过大：上限为 ${(state.maxBytes / 1048576).toFixed(0)} MB`;
  try {
    const body = await response.json();
    return body.detail || body.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function loadMe() {
  const response = await fetch('/report/api/me');
  if (response.status === 401) { location.href = '/report/login'; return; }
  if (!response.ok) throw new Error(await problemText(response));
  const me = await response.json();
  state.me = me;
  state.antiforgery = me.antiforgery;
  state.maxBytes = me.maxUploadBytes;
  $('limit').textContent = `${(me.maxUploadBytes / 1048576).toFixed(0)} MB`;
  $('who').textContent = `${me.user} · ${me.role === 'admin' ? '管理员（全部单位）' : me.department} · 今天 ${me.today}`;
  $('logout-token').name = me.antiforgery.field;
  $('logout-token').value = me.antiforgery.token;
  const selected = department();
  $('department').replaceChildren(...me.departments.map(d => el('option', { value: d }, d)));
  if (selected && me.departments.includes(selected)) $('department').value = selected;
  renderPeriods();
  renderCompleteness();
}

function obligationsOf(dept) {
  return state.me.obligations.filter(o => o.department === dept);
}

// The periods of the department, newest first; the first one due (or the last of the plan) is chosen.
function renderPeriods() {
  const chosen = period();
  const list = obligationsOf(department()).slice().reverse();
  $('period').replaceChildren(...list.map(o => el('option', { value: o.period }, `${o.period}（截止 ${o.due}，${o.statusZh}）`)));
  const dueNow = list.find(o => o.due <= state.me.today) || list[list.length - 1];
  if (chosen && list.some(o => o.period === chosen)) $('period').value = chosen;
  else if (dueNow) $('period').value = dueNow.period;
  periodChanged();
}

function periodChanged() {
  const o = obligationsOf(department()).find(x => x.period === period());
  $('due').textContent = o ? `报送截止 ${o.due} · ${o.indicators} 项指标` : '';
  $('template').href = `/report/${encodeURIComponent(department())}/template?period=${encodeURIComponent(period())}`;
  // Refreshing the obligations after a confirmation keeps the period, and with it the result just stored.
  const shown = `${department()}|${period()}`;
  if (state.shown === shown) return;
  state.shown = shown;
  $('result').hidden = true;
  state.pending = null;
  loadRows();
}

async function loadRows() {
  const response = await fetch(`/report/${encodeURIComponent(department())}/rows?period=${encodeURIComponent(period())}`);
  if (!response.ok) return;
  const data = await response.json();
  const head = el('tr', {}, ['指标', '单位', '期别', '上次采用值', '本期数值', '数据状态', '备注'].map(h => el('th', {}, h)));
  $('typed-rows').replaceChildren(head, ...data.rows.map(r => el('tr', { dataset: { indicator: r.code } },
    el('td', {}, r.nameZh, el('div', { class: 'sub' }, r.code)),
    el('td', {}, r.unit), el('td', {}, r.period),
    el('td', {}, r.last ? `${num(r.last.value)}（${r.last.period} · ${STATUS_ZH[r.last.status] || r.last.status}）` : '—'),
    el('td', {}, el('input', { name: 'value:' + r.code, inputmode: 'decimal', size: 10 })),
    el('td', {}, el('select', { name: 'status:' + r.code }, ['', '公报', '快报', '预计'].map(s => el('option', { value: s }, s || '请选择')))),
    el('td', {}, el('input', { name: 'remark:' + r.code, size: 16 })))));
}

function baseForm() {
  const form = new FormData();
  form.append(state.antiforgery.field, state.antiforgery.token);
  form.append('period', period());
  return form;
}

function fileForm() {
  const file = $('file').files[0];
  if (!file) return { error: '请选择要上传的文件' };
  if (file.size > state.maxBytes) return { error: `文件过大：${(file.size / 1048576).toFixed(1)} MB，上限为 ${(state.maxBytes / 1048576).toFixed(0)} MB。请上传下载的填报模板` };
  const form = baseForm();
  form.append('file', file, file.name);
  return { form };
}

function typedForm() {
  const form = baseForm();
  for (const input of $('typed-rows').querySelectorAll('input, select')) {
    if (input.value !== '') form.append(input.name, input.value);
  }
  return { form };
}

async function check(make) {
  const { form, error } = make();
  state.pending = null;
  $('result').hidden = false;
  $('stored').textContent = '';
  if (error) { showError(error); return; }
  const response = await fetch(`/report/${encodeURIComponent(department())}/upload`, { method: 'POST', body: form });
  if (!response.ok) { showError(await problemText(response)); return; }
  const result = await response.json();
  state.pending = { make, sha256: result.sha256 };
  renderResult(result);
}

function showError(message) {
  $('error').hidden = false;
  $('error').textContent = message;
  $('summary').textContent = '未保存任何数据。';
  $('lines').replaceChildren();
  $('confirm').disabled = true;
  document.body.dataset.checked = 'error';
}

function renderResult(result) {
  $('error').hidden = true;
  const c = result.counts;
  $('summary').textContent = `${result.fileName}：新增 ${c.new} 项，修订 ${c.revised} 项，无变化 ${c.unchanged} 项，拒收 ${c.rejected} 项，未填写 ${c.blank} 项。` +
    (result.stored ? '' : ' 以上为检查结果，尚未保存。');
  const head = el('tr', {}, ['指标', '结果', '数值', '现有数据', '位置', '原因'].map(h => el('th', {}, h)));
  $('lines').replaceChildren(head, ...result.lines.map(l => el('tr', { class: 'line', dataset: { indicator: l.indicator || '', change: l.change } },
    el('td', {}, l.nameZh || l.indicator || '—', el('div', { class: 'sub' }, l.indicator || '')),
    el('td', { class: `change-${l.change}` }, CHANGE_ZH[l.change] || l.change),
    el('td', { class: 'value' }, l.value === null ? (l.rawValue ?? '') : `${num(l.value)} · ${STATUS_ZH[l.status] || l.status}`),
    el('td', {}, l.current ? `${num(l.current.value)} · ${STATUS_ZH[l.current.status] || l.current.status}` : '—'),
    el('td', { class: 'sub' }, l.location),
    el('td', { class: 'reason' }, l.reason || ''))));
  $('confirm').disabled = result.stored !== null || result.delivered === 0;
  document.body.dataset.checked = result.stored ? 'stored' : 'checked';
}

async function confirmPending() {
  if (!state.pending) return;
  const { form, error } = state.pending.make();
  if (error) { showError(error); return; }
  form.append('confirm', state.pending.sha256);
  $('confirm').disabled = true;
  const response = await fetch(`/report/${encodeURIComponent(department())}/upload`, { method: 'POST', body: form });
  if (!response.ok) { showError(await problemText(response)); return; }
  const result = await response.json();
  renderResult(result);
  const s = result.stored;
  $('stored').textContent = `已保存（运行 #${s.runId}）：新增或修订 ${s.stored} 项，确认无变化 ${s.unchanged} 项，拒收 ${s.rejected} 项。`;
  state.pending = null;
  await loadMe();
  document.body.dataset.checked = 'stored';
}

function renderCompleteness() {
  const list = state.me.obligations.filter(o => o.department === department()).slice().reverse();
  const head = el('tr', {}, ['报告期', '截止日期', '状态', '完成日期', '尚缺指标', '最近报送'].map(h => el('th', {}, h)));
  $('completeness').replaceChildren(head, ...list.map(o => el('tr', { dataset: { period: o.period, status: o.status, missing: o.missing.map(m => m.code).join(',') } },
    el('td', {}, o.period), el('td', {}, o.due),
    el('td', { class: `status-${o.status}` }, o.statusZh + (o.sample ? '（示例）' : '')),
    el('td', {}, o.completedOn || '—'),
    el('td', {}, o.missing.length ? o.missing.map(m => m.nameZh).join('、') : '—'),
    el('td', { class: 'sub' }, o.lastSubmittedAt ? `${new Date(o.lastSubmittedAt).toLocaleString('zh-CN')} · ${o.lastSubmittedBy}` : '—'))));
}

$('department').addEventListener('change', () => { renderPeriods(); renderCompleteness(); });
$('period').addEventListener('change', periodChanged);
$('check-file').addEventListener('click', () => check(fileForm));
$('check-form').addEventListener('click', () => check(typedForm));
$('confirm').addEventListener('click', confirmPending);
loadMe().then(() => { document.body.dataset.ready = 'true'; }).catch(error => {
  $('who').textContent = '加载失败：' + error.message;
  document.body.dataset.ready = 'error';
});
