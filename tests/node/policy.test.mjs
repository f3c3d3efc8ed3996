// The policy helpers that need no CLI, side by side with the official SDK's: matchDeniedModels()
// on many spellings of entries and models, filterEscalatingDefaultMode() on settings tiers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { matchDeniedModels, filterEscalatingDefaultMode } from '../../bindings-node/js/index.js'
import * as official from '@anthropic-ai/claude-agent-sdk'

const MODELS = [
  'claude-opus-4-1', 'opus', 'claude-sonnet-4-5-20250929', 'x', 'claude-opus-4-1@20250805',
  'us.anthropic.claude-opus-4-1-20250805-v1:0', 'global.anthropic.claude-sonnet-4-5-v2:1',
  'xx.anthropic.claude-opus-4-1', 'anthropic.claude-haiku-4-5', 'projects/p/locations/l/models/claude-opus-4-1',
  'arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0',
  'claude-opus-4-1[1m]', ' CLAUDE-OPUS-4-1 ', 'claude-opus-4-1-fast', 'claude-opus-4-1-foo', 'claude-opus-4-1-foobar',
  'claude-opus-4-1-foo-bar', 'claude-opus-4-10', 'claude-opus-4-1x', 'claude-opus-4', 'claude-opus-4-0',
  'claude-opus-4-20250514', 'claude-3-opus-20240229', 'claude-3-5-sonnet-latest', 'claude-3-5-sonnet-v2@20241022',
  'claude-opus-5-5', 'claude-fable-5-2', 'my-opus-model', 'opusplan', 'sonnet[1m]', 'Opus[1M]', 'haiku',
  'claude-sonnet-4-5-latest-20250929-v1', 'claude-sonnet-4-5@v1', '', '   ', 'claude-123-opus', 'claude-opus-123',
  'claude-sonnet-4-5 extra', 'claude-mythos-5-1', 'claude-opus-4-1-latest-v3:12',
]

const DENIED = [
  ['opus'], ['claude-opus-*'], ['claude-sonnet-4-5'], [''], ['  '], [42], [null, 'OPUS'], ['Claude-Opus-4'],
  ['opus-4-1'], ['claude-opus-4-0'], ['claude-opus-4.1'], ['opus 4'], ['opus  4.1'], ['opsu'], ['oups'], ['gemini'],
  ['best'], ['default'], ['opusplan'], ['sonnet[1m]'], ['claude-sonnet-4-5-20250929'], ['OPUS[2m]', 'haiku[1M]'],
  ['us.anthropic.claude-opus-4-1-20250805-v1:0'], ['X '], ['xx.anthropic.claude-opus-4-1'], ['claude-opus-4-1-foo'],
  ['3-opus'], ['3.5-sonnet'], ['sonnet-4.5'], ['claude-opus-4-1[1m]-x'], ['fable'], ['claude-fable-5'],
  ['claude-opus-4-1@20250805'], ['claude-opus-4-1-fast'], ['claude-opus-4-1-v1:0'], ['claude-opus-4-1-bar-20250805'],
  ['a\u0001b'.repeat(50)], ['ópus'], ['claude-3-5-haiku'], ['claude-haiku-4-5-latest'], [{}, [], true, 1.5, 'opus', 'opus'],
  ['claude-opus-4-1', 'claude-opus-4.1', 'opus 4', 'claude-opus-4.1'], ['mythos'], ['claude-mythos'], ['haiku 3'],
  ['opus\u0085'], ['\u00a0opus\ufeff'], ['opus\u2028'], ['é'.repeat(130)], ['😀'.repeat(70)],
  // eslint-disable-next-line no-sparse-arrays
  ['opus', , 'haiku'],
]

test('matchDeniedModels answers as the official SDK on many entries and spellings', async () => {
  for (const denied of DENIED) {
    assert.deepEqual(await matchDeniedModels(MODELS, denied), await official.matchDeniedModels(MODELS, denied), JSON.stringify(denied))
  }
})

test('matchDeniedModels takes what is not a list as the official SDK does, and never throws', async () => {
  const odd = [undefined, null, 'notalist', 7, { opus: true }]
  // eslint-disable-next-line no-sparse-arrays
  const models = [['opus', 1, null, {}, 'opus', undefined, 10n], ['opus', , 'x', , 'haiku'], 'claude-opus-4-1', undefined, null]
  for (const denied of odd) {
    for (const m of models) {
      assert.deepEqual(await matchDeniedModels(m, denied), await official.matchDeniedModels(m, denied), `${String(m)} / ${String(denied)}`)
    }
  }
  const answer = matchDeniedModels(['opus'], ['opus'])
  assert.ok(answer instanceof Promise)
  assert.deepEqual(await answer, { denied: [true], warnings: [] })
})

/** What a filter gives: the result, whether it is the input's `effective` itself, or the error. */
function filtered(filter, resolved) {
  try {
    const out = filter(resolved)
    return { out, same: out === resolved?.effective }
  } catch (error) {
    return { threw: error.constructor.name, message: error.message }
  }
}

test('filterEscalatingDefaultMode drops what the official SDK drops, and returns the same object otherwise', () => {
  const tier = (source, defaultMode) => ({ source, settings: defaultMode === undefined ? {} : { permissions: { defaultMode } } })
  const effective = (defaultMode) => ({ model: 'm', permissions: { allow: ['Read'], defaultMode } })
  const cases = [undefined, {}, { effective: {} }, { effective: null }, { effective: effective('plan') }]
  for (const mode of ['bypassPermissions', 'auto', 'acceptEdits', 'dontAsk', 'toString', 1]) {
    cases.push({ effective: effective(mode) })
    for (const tiers of [
      [tier('project', mode)], [tier('local', mode)], [tier('user', mode)], [tier('flag', mode)], [tier('managed', mode)],
      [tier('user', 'bypassPermissions'), tier('project', 'plan')], [tier('user', mode), tier('project', null), tier('local')],
      [tier('project', mode), tier('user')], [], [null], [{ source: 'project' }],
    ]) {
      cases.push({ effective: effective(mode), sources: tiers })
    }
  }
  cases.push({ effective: { permissions: { defaultMode: 'auto' } }, sources: 'x' })
  cases.push({ effective: { permissions: { defaultMode: 'auto' } }, sources: { length: 1, 0: tier('project', 'auto') } })
  for (const resolved of cases) {
    assert.deepEqual(filtered(filterEscalatingDefaultMode, resolved), filtered(official.filterEscalatingDefaultMode, resolved), JSON.stringify(resolved))
  }
  const dropped = filterEscalatingDefaultMode({ effective: effective('auto'), sources: [tier('local', 'auto')] })
  assert.deepEqual(dropped, { model: 'm', permissions: { allow: ['Read'] } })
})
