// The floors of src/, lowest first: a file may import from its own folder and from folders on lower floors,
// never from a higher floor, nor from another folder on its own floor (so no two folders can import each other).
// README's "Layout" section draws the same list.
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const floors = [
  // The AdmissionReview wire types, every label, annotation and env name we write, and two tiny helpers.
  ['wire'],
  // The pure core, in the order its parts build on each other.
  ['core/policy'],
  ['core/rules'],
  ['core/admission'],
  ['core/audit'],
  // The edges: what talks to the world, lowest first.
  ['edges/telemetry'],
  ['edges/kubernetes'],
  ['edges/redis'],
  ['edges/files'],
  ['edges/hosting'],
  ['edges/controllers'],
  ['edges/http'],
  // The CLI: what commands share, then one folder per command.
  ['commands'],
  ['commands/check', 'commands/audit', 'commands/verify', 'commands/policies', 'commands/serve'],
  // The entry points: the CLI and the library.
  ['.'],
];

const src = fileURLToPath(new URL('../src/', import.meta.url));

const folderOf = (file) => relative(src, dirname(file)).split(sep).join('/') || '.';
const floorOf = (folder) => floors.findIndex((floor) => floor.includes(folder));

/** @type {import('eslint').Rule.RuleModule} */
export const floorsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'keeps every import of src/ on its own floor or a lower one (lint/floors.js)' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    if (relative(src, file).startsWith('..') || file.endsWith('.test.ts')) return {};
    const folder = folderOf(file);
    const floor = floorOf(folder);
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = join(dirname(file), specifier);
      if (relative(src, target).startsWith('..')) return;
      const targetFolder = folderOf(target);
      if (targetFolder === folder) return;
      const targetFloor = floorOf(targetFolder);
      if (floor === -1 || targetFloor === -1) {
        const unplaced = floor === -1 ? folder : targetFolder;
        context.report({ node, message: `src/${unplaced} is on no floor: place it in lint/floors.js and README's Layout section` });
      } else if (targetFloor > floor) {
        context.report({
          node,
          message: `src/${folder} (floor ${floor}) imports src/${targetFolder} (floor ${targetFloor}), a floor up: move what both need down, or pass it in`,
        });
      } else if (targetFloor === floor) {
        context.report({
          node,
          message: `src/${folder} imports src/${targetFolder}, a folder on its own floor: move what both need to a lower floor`,
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
