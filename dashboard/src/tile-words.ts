/** @module tile-words — the tile areas' and arrange mode's words, Spanish first, English second. */
import { wordBook } from './fill.ts';
import type { Lang } from './format.ts';
import type { DerivedArea } from './tile-areas.ts';

const es = {
  areas: { water: 'Agua', air: 'Aire del túnel', other: 'Otros' } as Record<DerivedArea, string>,
  arrange: 'Ordenar mosaicos',
  arrangeTitle: 'Ordenar mosaicos de {site}',
  arrangeHint: 'El orden y las áreas se guardan para este sitio y los ven todos sus usuarios.',
  areaName: 'Nombre del área',
  areaUp: 'Subir área {name}',
  areaDown: 'Bajar área {name}',
  sensorUp: 'Subir {name}',
  sensorDown: 'Bajar {name}',
  moveTo: 'Área de {name}',
  addArea: 'Añadir área',
  newArea: 'Área nueva',
  save: 'Guardar orden',
  reset: 'Volver a agrupar por tipo de medida',
  cancel: 'Cancelar',
  saving: 'Guardando…',
  saved: 'Orden guardado.',
  failed: 'No se pudo guardar el orden: {detail}',
  emptyName: 'Cada área necesita un nombre.',
};
type Words = typeof es;
const en: Words = {
  areas: { water: 'Water', air: 'Tunnel air', other: 'Other' },
  arrange: 'Arrange tiles',
  arrangeTitle: 'Arrange the tiles of {site}',
  arrangeHint: 'The order and areas are saved for this site and every user of it sees them.',
  areaName: 'Area name',
  areaUp: 'Move area {name} up',
  areaDown: 'Move area {name} down',
  sensorUp: 'Move {name} up',
  sensorDown: 'Move {name} down',
  moveTo: 'Area of {name}',
  addArea: 'Add an area',
  newArea: 'New area',
  save: 'Save order',
  reset: 'Group by kind of measurement again',
  cancel: 'Cancel',
  saving: 'Saving…',
  saved: 'Order saved.',
  failed: 'Could not save the order: {detail}',
  emptyName: 'Every area needs a name.',
};

export function tileWords(lang: Lang) {
  return wordBook(es, en, lang);
}
