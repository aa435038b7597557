// The plan page: every target of the catalogue grouped by plan section, with status, progress, projection and
// freshness from /api/progress; a chart per indicator from /api/progress/{code}. No framework, no CDN.
'use strict';

const STATUS_ZH = { 'met': '已完成', 'on-track': '进展顺利', 'at-risk': '存在风险', 'off-track': '进度滞后', 'no-data': '暂无数据' };
const DATA_STATUS_ZH = { normal: '公报', provisional: '快报', estimated: '预计', break: '口径调整', derived: '推算' };
const METHOD_ZH = { linear: '线性趋势', compound: '复合增长', 'derived-cagr': '按年均增长率推算' };
const FONT = '"WenQuanYi Zen Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

const state = { plan: null, rows: [] };

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
  return value === null || value === undefined ? '—' : Number(value).toLocaleString('zh-CN', { maximumFractionDigits: 4 });
}

function pct(share) {
  return share === null || share === undefined ? '—' : (share * 100).toLocaleString('zh-CN', { maximumFractionDigits: 1 }) + '%';
}

function comparator(symbol) {
  return { '>=': '≥', '>': '>', '<=': '≤' }[symbol] || symbol;
}

function unitText(unit) {
  return unit === 'ratio' ? '' : unit;
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ': ' + response.status);
  return response.json();
}

async function load() {
  const plan = await getJson('/api/progress');
  state.plan = plan;
  const s = plan.settings;
  document.getElementById('meta').textContent =
    `评估时间 ${new Date(plan.evaluatedAt).toLocaleString('zh-CN')} · 地区 吴中区 (${plan.area}) · 基期 ${s.baseYear} 年 · ` +
    `预测进度 ≥ ${pct(s.onTrackFrom)} 为进展顺利，≥ ${pct(s.atRiskFrom)} 为存在风险 · ${plan.staleIndicators} 项指标数据过期`;
  renderSummary(plan);
  renderDepartments(plan);
  renderSections(plan);
  applyFilters();
  const [evaluation, reporting] = await Promise.all([getJson('/api/evaluation'), getJson('/api/reporting')]);
  renderEvaluation(evaluation);
  renderReporting(reporting);
  document.body.dataset.ready = 'true';
}

const VERDICT_ZH = { met: '达成', 'not-met': '未达成', 'no-data': '无法评估' };

// A finished plan leads with its final evaluation: each target met or not at its year, with the deciding figure.
function renderEvaluation(evaluation) {
  const section = document.getElementById('evaluation');
  section.hidden = !evaluation.finished;
  if (!evaluation.finished) return;
  const c = evaluation.counts;
  document.getElementById('evaluation-title').textContent = `终期评估（规划期 ${state.plan.settings.baseYear + 1}–${evaluation.planEndYear} 年已结束）`;
  document.getElementById('evaluation-meta').textContent =
    `${evaluation.targets.length} 项目标：达成 ${c.met}，未达成 ${c['not-met']}，无法评估 ${c['no-data']}（缺少目标年数据）。判定数据取目标年年末及之前的最新数据。`;
  const head = el('tr', {}, ['指标', '目标', '结论', '判定数据', '数据状态', '来源'].map(h => el('th', {}, h)));
  document.getElementById('evaluation-table').replaceChildren(head, ...evaluation.targets.map(t => el('tr', {
    class: 'evaluation-row', dataset: { indicator: t.code, year: String(t.year), verdict: t.verdict },
  },
  el('td', {}, el('div', { class: 'name' }, t.nameZh), el('div', { class: 'code' }, t.code)),
  el('td', {}, `${comparator(t.comparator)} ${num(t.target)} ${unitText(t.unit)}`, el('div', { class: 'sub' }, `${t.year} 年`)),
  el('td', { class: `verdict verdict-${t.verdict}` }, t.verdictZh),
  el('td', {}, t.figure ? [num(t.figure.value), el('div', { class: 'sub' }, t.figure.period)] : '—'),
  el('td', {}, t.figure && t.figure.statusZh ? t.figure.statusZh : '—'),
  el('td', { class: 'sub' }, t.figure && t.figure.source ? t.figure.source : '—'))));
}

const DELIVERY_ZH = { 'on-time': '按时报送', late: '逾期报送', missing: '未报送', open: '未到期' };

// Who has delivered what: one period at a time (the latest due one first), every department owing for it.
function renderReporting(reporting) {
  const section = document.getElementById('reporting');
  section.hidden = reporting.obligations.length === 0;
  if (section.hidden) return;
  const periods = [...new Set(reporting.obligations.map(o => o.period))]
    .sort((a, b) => periodEnd(b).localeCompare(periodEnd(a)) || b.localeCompare(a));
  const due = reporting.obligations.filter(o => o.due <= reporting.today).map(o => o.period);
  const select = document.getElementById('reporting-period');
  select.replaceChildren(...periods.map(p => el('option', { value: p }, p)));
  select.value = periods.find(p => due.includes(p)) || periods[periods.length - 1];
  const show = () => {
    const rows = reporting.obligations.filter(o => o.period === select.value);
    const late = reporting.obligations.filter(o => o.status === 'missing').length;
    document.getElementById('reporting-meta').textContent =
      `今天 ${reporting.today} · 全部报告期共 ${reporting.obligations.length} 项报送任务，逾期未报 ${late} 项 · 部门账号在 /report 填报`;
    const head = el('tr', {}, ['责任单位', '报告期', '截止日期', '状态', '完成日期', '尚缺指标', '最近报送'].map(h => el('th', {}, h)));
    document.getElementById('reporting-table').replaceChildren(head, ...rows.map(o => el('tr', {
      class: 'reporting-row', dataset: { department: o.department, period: o.period, status: o.status },
    },
    el('td', {}, o.department), el('td', {}, o.period), el('td', {}, o.due),
    el('td', { class: `delivery-${o.status}` }, (DELIVERY_ZH[o.status] || o.status) + (o.sample ? '（示例）' : '')),
    el('td', {}, o.completedOn || '—'),
    el('td', {}, o.missing.length ? `${o.missing.length} / ${o.indicators}：` + o.missing.map(m => m.nameZh).join('、') : '—'),
    el('td', { class: 'sub' }, o.lastSubmittedAt ? `${new Date(o.lastSubmittedAt).toLocaleString('zh-CN')} · ${o.lastSubmittedBy}` : '—'))));
  };
  select.onchange = show;
  show();
}

// 2023 ends after 2023-Q4, which ends after 2023-12: sort keys by the period's last month, a year last among equals.
function periodEnd(period) {
  const [year, part] = period.split('-');
  if (!part) return `${year}-12-z`;
  if (part.startsWith('Q')) return `${year}-${String(Number(part.slice(1)) * 3).padStart(2, '0')}-y`;
  return `${year}-${part}-x`;
}

function renderSummary(plan) {
  const summary = document.getElementById('summary');
  summary.replaceChildren(...Object.keys(STATUS_ZH).map(status => el('button', {
    type: 'button', class: `chip chip-${status}`, dataset: { status },
  }, `${STATUS_ZH[status]} ${plan.statusCounts[status] || 0}`)));
  summary.addEventListener('click', event => {
    const chip = event.target.closest('.chip');
    if (!chip) return;
    const select = document.getElementById('filter-status');
    select.value = select.value === chip.dataset.status ? '' : chip.dataset.status;
    applyFilters();
  });
}

function renderDepartments(plan) {
  const departments = [...new Set(plan.indicators.flatMap(i => i.departments))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const select = document.getElementById('filter-department');
  select.append(...departments.map(d => el('option', { value: d }, d)));
}

function renderSections(plan) {
  const sections = new Map();
  for (const indicator of plan.indicators) {
    if (!sections.has(indicator.section)) sections.set(indicator.section, []);
    sections.get(indicator.section).push(indicator);
  }
  const main = document.getElementById('sections');
  state.rows = [];
  main.replaceChildren(...[...sections].map(([section, indicators]) => {
    const body = el('tbody');
    for (const indicator of indicators) {
      for (const target of indicator.targets) {
        const row = targetRow(indicator, target);
        state.rows.push(row);
        body.append(row);
      }
    }
    return el('section', { class: 'plan-section', dataset: { section } },
      el('h2', {}, section),
      el('table', { class: 'targets' },
        el('thead', {}, el('tr', {}, ['指标', '目标', '最新值', '进度', '预测（目标年）', '状态', '数据新鲜度', '责任单位', ''].map(h => el('th', {}, h)))),
        body));
  }));
  main.addEventListener('click', event => {
    const button = event.target.closest('.chart-btn');
    if (button) openChart(button.dataset.indicator);
  });
}

function targetRow(indicator, target) {
  const fresh = indicator.freshness;
  const freshness = !fresh.declared ? el('span', { class: 'sub' }, '未声明更新周期')
    : fresh.stale ? el('span', { class: 'stale', title: `应有 ${fresh.expectedPeriodEnd} 的数据，${fresh.dueSince} 起逾期` }, `过期 ${fresh.overdueDays} 天`)
      : el('span', { class: 'fresh' }, '正常');
  const progress = target.progress === null ? null : Math.max(0, Math.min(1, target.progress));
  const latest = target.latestPeriod === null ? el('span', { class: 'sub' }, '—')
    : [num(target.latestValue), el('div', { class: 'sub' }, `${target.latestPeriod}${latestStatus(indicator, target)}`)];
  const projection = target.projection
    ? [num(target.projection.value), el('div', { class: 'sub' }, `${METHOD_ZH[target.projection.method] || target.projection.method} · ${pct(target.projection.progress)}`)]
    : el('span', { class: 'sub' }, '—');
  return el('tr', {
    class: 'target-row',
    title: target.reason,
    dataset: {
      indicator: indicator.code, year: String(target.year), status: target.status,
      departments: indicator.departments.join('|'), stale: String(fresh.stale),
    },
  },
  el('td', {}, el('div', { class: 'name' }, indicator.nameZh), el('div', { class: 'code' }, indicator.code),
    indicator.flaggedFigures > 0 ? el('div', { class: 'flag' }, `${indicator.flaggedFigures} 个数据待核实`) : null),
  el('td', { class: 'target' }, `${comparator(target.comparator)} ${num(target.value)} ${unitText(indicator.unit)}`, el('div', { class: 'sub' }, `${target.year} 年`)),
  el('td', { class: 'latest' }, latest),
  el('td', { class: 'progress' },
    el('div', { class: 'bar' }, el('div', { class: `fill fill-${target.status}`, style: `width:${progress === null ? 0 : progress * 100}%` })),
    el('div', { class: 'sub' }, pct(target.progress))),
  el('td', { class: 'projection' }, projection),
  el('td', {}, el('span', { class: `status status-${target.status}`, dataset: { status: target.status } }, target.statusZh)),
  el('td', { class: 'freshness' }, freshness),
  el('td', { class: 'departments' }, indicator.departments.join('、') || el('span', { class: 'sub' }, '未列明')),
  el('td', {}, el('button', { type: 'button', class: 'chart-btn', dataset: { indicator: indicator.code } }, '图表')));
}

function latestStatus(indicator, target) {
  const latest = indicator.latest;
  return latest && latest.period === target.latestPeriod ? ' · ' + (DATA_STATUS_ZH[latest.status] || latest.status) : '';
}

function applyFilters() {
  const department = document.getElementById('filter-department').value;
  const status = document.getElementById('filter-status').value;
  const staleOnly = document.getElementById('filter-stale').checked;
  let shown = 0;
  for (const row of state.rows) {
    const visible = (!department || row.dataset.departments.split('|').includes(department))
      && (!status || row.dataset.status === status)
      && (!staleOnly || row.dataset.stale === 'true');
    row.hidden = !visible;
    if (visible) shown++;
  }
  for (const section of document.querySelectorAll('#sections .plan-section')) {
    section.hidden = !section.querySelector('tr.target-row:not([hidden])');
  }
  document.getElementById('shown').textContent = `显示 ${shown} / ${state.rows.length} 项目标`;
}

async function openChart(code) {
  const detail = await getJson('/api/progress/' + encodeURIComponent(code));
  document.getElementById('detail-title').textContent = `${detail.nameZh}（${detail.code}）`;
  document.getElementById('detail-meta').textContent =
    `${detail.planText} · 单位 ${detail.unit}` + (detail.derivedFrom ? ` · 由 ${detail.derivedFrom} 推算，不采集` : '');
  const overlay = document.getElementById('detail');
  overlay.hidden = false;
  const container = document.getElementById('chart');
  const chart = echarts.getInstanceByDom(container) || echarts.init(container);
  chart.setOption(chartOption(detail), true);
  chart.resize();
  container.dataset.indicator = code;
  window.planChart = chart;
  renderFigures(detail);
}

function chartOption(detail) {
  const figures = detail.figures;
  const series = [{
    name: '实际值', type: 'line', symbolSize: 8, showSymbol: true, showAllSymbol: true,
    data: figures.map(f => ({
      value: [f.periodEnd, f.value],
      itemStyle: f.flags.length ? { color: '#c62828' } : undefined,
      symbol: f.flags.length ? 'triangle' : 'circle',
    })),
  }];
  for (const target of detail.targets) {
    series.push({
      name: `目标 ${target.year}`, type: 'scatter', symbol: 'pin', symbolSize: 28,
      data: [[`${target.year}-12-31`, target.value]],
      markLine: { symbol: 'none', lineStyle: { type: 'dotted' }, label: { formatter: `目标 ${comparator(target.comparator)} ${num(target.value)}` }, data: [{ yAxis: target.value }] },
    });
    if (target.projection && target.projection.path) {
      series.push({
        name: `预测 ${target.year}`, type: 'line', lineStyle: { type: 'dashed' }, symbol: 'emptyCircle',
        data: target.projection.path.map(p => [p.date, p.value]),
      });
    }
  }
  return {
    // No animation: the chart is complete as soon as it is drawn (screenshots, printing).
    animation: false,
    textStyle: { fontFamily: FONT },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 30, top: 40, bottom: 40 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: unitText(detail.unit), scale: true },
    series,
  };
}

function renderFigures(detail) {
  const table = document.getElementById('detail-figures');
  const head = el('tr', {}, ['期别', '数值', '状态', '来源', '版本', '质量标记'].map(h => el('th', {}, h)));
  table.replaceChildren(head, ...detail.figures.map(f => el('tr', {},
    el('td', {}, f.period), el('td', {}, num(f.value)), el('td', {}, DATA_STATUS_ZH[f.status] || f.status), el('td', {}, f.source),
    el('td', {}, f.vintage ?? '—'), el('td', { class: f.flags.length ? 'flag' : '' }, f.flags.map(x => x.message).join('; ')))));
}

document.getElementById('filter-department').addEventListener('change', applyFilters);
document.getElementById('filter-status').addEventListener('change', applyFilters);
document.getElementById('filter-stale').addEventListener('change', applyFilters);
document.getElementById('detail-close').addEventListener('click', () => { document.getElementById('detail').hidden = true; });
load().catch(error => {
  document.getElementById('meta').textContent = '加载失败：' + error.message;
  document.body.dataset.ready = 'error';
});
