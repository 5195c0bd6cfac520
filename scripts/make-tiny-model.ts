/**
 * Writes a tiny transformers.js-compatible embedding model, so CI can prove the transformers.js
 * path without a model hub: `npm run model:tiny -- <dir> [name]` writes
 * <dir>/<name>/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx}.
 *
 * The "model" is one ONNX Gather node: input_ids -> rows of a fixed embedding table ->
 * last_hidden_state (attention_mask is a second, unused input, as in BERT exports). Words are
 * grouped in concepts across es/ca/it/sv/en; a word's row is its concept's vector plus a little
 * word-specific noise, so "horario oficina" and "office hours" land close together. Everything is
 * derived from seeded hashes: the same files every run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const TINY_DIM = 32;
export const TINY_MODEL_NAME = 'tiny-civic-embedder';

/** One concept per line: its words in en | es | ca | it | sv (accents are stripped on write). */
const CONCEPTS = `
office offices desk | oficina oficinas omac | oficina oficines | ufficio uffici sportello | kontor kontoret kontorets
open opens opened | abierta abierto abre abren abierto | oberta obert obre obren | aperto aperta apre aprono | oppet oppen oppnar
closed close closes | cerrada cerrado cierra cierre | tancada tancat tanca | chiuso chiusa chiude chiusura | stangt stanger stangd
hours schedule timetable times | horario horarios horas | horari horaris hores | orari orario ore | oppettider tider
phone telephone call | telefono llamar | telefon trucar | chiamare | telefonnummer ringa
number | numero | | | nummer
certificate certificates | certificado certificados | certificat certificats | certificato certificati | intyg intyget
registration census register | empadronamiento padron | empadronament padro | anagrafe residenza | folkbokforing
appointment booking book | cita citas reservar | reserva | appuntamento prenotare prenotazione | bokning boka tidsbokning
address located location | direccion ubicacion | adreca ubicacio | indirizzo | adress ligger
where | donde | | dove | var
email mail | correo | correu | posta | mejl epost
today | hoy | avui | oggi | idag
tomorrow | | dema | domani | imorgon
morning | manana | mati | mattina | morgon
afternoon | tarde | tarda | pomeriggio | eftermiddag
saturday | sabado | dissabte | sabato | lordag
sunday | domingo | diumenge | domenica | sondag
hello hi | hola buenas | bon dia | ciao buongiorno salve | hej hallo
thanks thank | gracias | gracies merci | grazie | tack
bye goodbye | adios | adeu | arrivederci | hejda
help | ayuda ayudar | ajuda ajudar | aiuto aiutare | hjalp hjalpa
need want | necesito quiero | necessito vull | bisogno voglio | behover vill
get obtain request | obtener solicitar pedir | obtenir sollicitar demanar | ottenere richiedere | ansoka begara
document documents papers | documento documentos papeles | document documents | documenti | dokument handlingar
submit | presentar entregar | | presentare consegnare | lamna skicka
town council municipality city | ayuntamiento municipio ciudad | ajuntament municipi | comune citta | kommun kommunen stad
service services | servicio atencion | servei atencio | servizio servizi | tjanst tjanster
language | idioma | llengua | lingua | sprak
english | ingles | angles | inglese | engelska
spanish | espanol castellano | castella | spagnolo | spanska
catalan | catalan valenciano | catala valencia | catalano | katalanska
italian | italiano | italia | | italienska
swedish | sueco | suec | svedese | svenska
subscribe notify notifications | suscribir suscribirme avisos | subscriure | iscrivere notifiche | prenumerera aviseringar
unsubscribe | baja | | disiscrivere | avsluta
status change changes | cambio cambios estado | canvi canvis estat | cambiamento modifiche stato | andring andringar status
price cost fee | precio coste tasa | preu cost taxa | prezzo costo tassa | pris kostnad avgift
online internet web website | | | sito | webben hemsida
person agent human | persona agente humano | agent huma | operatore | handlaggare manniska
health doctor | salud medico | salut metge | salute medico | halsa lakare vardcentral
transport bus card | autobus tarjeta | targeta | trasporto tessera | buss kort
problem incident | problema incidencia | incidencia | problemi guasto | problem storning
`;

/** Function words: they get short vectors so they barely move a sentence's meaning. */
const FUNCTION_WORDS = `
the a an is are of in at to for on my me i you can how when what which do does and or not with
el la los las un una es son esta de en a para por mi me yo puedo como cuando que cual y o no con se hay
els les em jo puc com quan quin quina i amb hi
il lo gli le uno di da per io mio posso come quando che cosa quale e o non con ci sono
en ett den det ar av i pa till for min mig jag kan hur nar vad vilken och eller inte med
`;

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

/** Lowercase without accents, as the tokenizer's BertNormalizer sees words. */
function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A deterministic vector in [-1, 1]^dim seeded by a string (mulberry32). */
function seeded(key: string, dim: number): Float32Array {
  let a = hash(key);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** The vocabulary (id order) and each token's embedding row. */
function buildVocabulary(dim: number): { tokens: string[]; rows: Float32Array[] } {
  const tokens: string[] = [];
  const rows: Float32Array[] = [];
  const seen = new Set<string>();
  const add = (token: string, row: Float32Array): void => {
    if (seen.has(token)) return;
    seen.add(token);
    tokens.push(token);
    rows.push(row);
  };
  // [PAD] is a zero row; [CLS], [SEP] and [UNK] weak ones (an empty text still pools to a direction).
  for (const t of SPECIAL) add(t, t === '[PAD]' ? new Float32Array(dim) : seeded(t, dim).map((v) => v * 0.1));
  for (const line of CONCEPTS.trim().split('\n')) {
    const words = line.split(/[|\s]+/).filter(Boolean).map(fold);
    const concept = seeded(`concept:${words[0]}`, dim);
    for (const w of words) {
      const noise = seeded(`word:${w}`, dim);
      add(w, concept.map((v, i) => v + 0.35 * noise[i]));
    }
  }
  for (const w of FUNCTION_WORDS.split(/\s+/).filter(Boolean).map(fold)) add(w, seeded(`word:${w}`, dim).map((v) => v * 0.15));
  // Punctuation carries no meaning here (zero rows, like [PAD]).
  for (const p of '.,;:!?¿¡\'"()-/') add(p, new Float32Array(dim));
  // Letters and continuation pieces: unknown words still tokenise (to weak vectors) instead of [UNK].
  for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789') {
    add(c, seeded(`char:${c}`, dim).map((v) => v * 0.1));
    add(`##${c}`, seeded(`piece:${c}`, dim).map((v) => v * 0.1));
  }
  return { tokens, rows };
}

function tokenizerJson(tokens: string[]): object {
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const special = (t: string) => ({ id: tokens.indexOf(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const token = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, token('[SEP]')],
      pair: [token('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, token('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/** One Gather node: last_hidden_state[b, s, :] = embeddings[input_ids[b, s], :]. */
function onnxModel(rows: Float32Array[], dim: number): Uint8Array {
  const { TensorProto } = onnx;
  const table = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => table.set(r, i * dim));
  const dims = (...d: (number | string)[]) => ({
    dim: d.map((x) => (typeof x === 'number' ? { dimValue: x } : { dimParam: x })),
  });
  const value = (name: string, elemType: number, shape: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType, shape: dims(...shape) } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'civic-chatbot make-tiny-model',
    graph: {
      name: 'tiny_embedder',
      node: [{ opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['last_hidden_state'], name: 'lookup', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }],
      initializer: [
        {
          name: 'embeddings',
          dataType: TensorProto.DataType.FLOAT,
          dims: [rows.length, dim],
          rawData: new Uint8Array(table.buffer),
        },
      ],
      input: [
        value('input_ids', TensorProto.DataType.INT64, ['batch_size', 'sequence_length']),
        value('attention_mask', TensorProto.DataType.INT64, ['batch_size', 'sequence_length']),
      ],
      output: [value('last_hidden_state', TensorProto.DataType.FLOAT, ['batch_size', 'sequence_length', dim])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Writes the tiny model to <dir>/<name>/ and returns that folder. */
export function makeTinyModel(dir: string, name: string = TINY_MODEL_NAME): string {
  const out = path.join(dir, name);
  fs.mkdirSync(path.join(out, 'onnx'), { recursive: true });
  const { tokens, rows } = buildVocabulary(TINY_DIM);
  const json = (file: string, data: object) => fs.writeFileSync(path.join(out, file), JSON.stringify(data, null, 2) + '\n');
  json('config.json', {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: TINY_DIM,
    vocab_size: tokens.length,
    max_position_embeddings: 512,
    num_attention_heads: 1,
    num_hidden_layers: 0,
  });
  json('tokenizer.json', tokenizerJson(tokens));
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: true,
    model_max_length: 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
  });
  fs.writeFileSync(path.join(out, 'onnx', 'model.onnx'), onnxModel(rows, TINY_DIM));
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, name] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: npm run model:tiny -- <dir> [name]');
    process.exit(1);
  }
  console.log(`tiny model written to ${makeTinyModel(dir, name)}`);
}
