import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Rol, Zaak } from '../../src/domain/model.js';
import { initiatorKey } from '../../src/backends/sqlite/initiator-key.js';
import { initiatorKeySql, migrate, MIGRATIONS } from '../../src/backends/sqlite/schema.js';
import { minimalZaak } from '../contract/fixtures.js';

const rol = (rolType: Rol['rolType'], key: string, extra: Partial<Rol> = {}, keyElement = 'inp.bsn'): Rol => ({
  rolType,
  betrokkene: { kind: keyElement === 'inp.bsn' ? 'natuurlijkPersoon' : 'nietNatuurlijkPersoon', key, keyElement, leaves: [] },
  ...extra,
});

const withRollen = (rollen: Rol[]): Zaak => ({ ...minimalZaak('0363Z1'), rollen });

describe('sqlite initiator_key (computed by the writer since schema version 9)', () => {
  const cases: Array<[string, Zaak]> = [
    ['no rollen', withRollen([])],
    ['one initiator', withRollen([rol('heeftAlsInitiator', '111222333')])],
    ['initiator after other rollen', withRollen([rol('heeftAlsBelanghebbende', '1'), rol('heeftAlsInitiator', '2', {}, 'inn.nnpId')])],
    ['only an ended initiator', withRollen([rol('heeftAlsInitiator', '3', { eindRelatie: '20240101' })])],
    ['ended initiator, then an active one', withRollen([rol('heeftAlsInitiator', '4', { eindRelatie: '20240101' }), rol('heeftAlsInitiator', '5')])],
    ['two active initiators: the first counts', withRollen([rol('heeftAlsInitiator', '6'), rol('heeftAlsInitiator', '7')])],
    ['an empty eindRelatie counts as ended, as in SQL', withRollen([rol('heeftAlsInitiator', '8', { eindRelatie: '' }), rol('heeftAlsInitiator', '9')])],
    ['no initiator among other rollen', withRollen([rol('heeftAlsUitvoerende', '10'), rol('heeftAlsGemachtigde', '11')])],
  ];

  it('equals the SQL expression the triggers used, for every shape of rollen', () => {
    const db = new Database(':memory:');
    try {
      const sql = db.prepare(`SELECT ${initiatorKeySql('?')} AS k`);
      for (const [name, zaak] of cases) {
        const expected = (sql.get(JSON.stringify(zaak)) as { k: string | null }).k;
        assert.equal(initiatorKey(zaak), expected, name);
      }
      // The cases are not all alike: some have a key, some none.
      assert.deepEqual(cases.map(([, z]) => initiatorKey(z)).filter((k) => k !== null).length, 5);
    } finally {
      db.close();
    }
  });

  it('migration 9 drops the triggers and keeps the keys already stored', () => {
    const db = new Database(':memory:');
    try {
      migrate(db, MIGRATIONS.filter((m) => m.version <= 8));
      const zaak = withRollen([rol('heeftAlsInitiator', '123456782')]);
      db.prepare(
        `INSERT INTO zaak (identificatie, zaaktype_code, startdatum, registratiedatum, data, created_at, updated_at)
         VALUES ('0363Z1', 'B1', '20240101', '20240101', ?, '', '')`,
      ).run(JSON.stringify(zaak));
      const triggers = () => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
      assert.deepEqual(triggers(), ['zaak_initiator_insert', 'zaak_initiator_update']);
      migrate(db);
      assert.deepEqual(triggers(), []);
      assert.equal((db.prepare('SELECT initiator_key AS k FROM zaak').get() as { k: string }).k, 'natuurlijkPersoon|inp.bsn|123456782');
    } finally {
      db.close();
    }
  });
});
