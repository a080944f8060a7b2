/** Assertion-completion tasks (RepoPeftBench's five families); the schema of DESIGN.md section 5. */

export const TASK_KINDS = ['assert', 'self_assert', 'pytest_raises', 'pytest_approx', 'numpy_assert'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_SPLITS = ['train', 'cr_val', 'cr_test', 'ir_val', 'ir_test'] as const;
export type TaskSplit = (typeof TASK_SPLITS)[number];

/** One line of a task JSONL file, shared by the Python pipeline, the CLI and the in-browser scorer. */
export interface TaskRecord {
  /** "{repo}@{commit}:{path}:{line}:{column}" */
  readonly id: string;
  readonly repo: string;
  readonly commit: string;
  readonly path: string;
  /** 1-based line of the target's first character. */
  readonly line: number;
  readonly kind: TaskKind;
  readonly prefix: string;
  readonly target: string;
  readonly split: TaskSplit;
}

/** A task as extracted from one test file: models/data/tasks.py's `Task`, field for field. */
export interface ExtractedTask {
  readonly path: string;
  /** 1-based line of the target's first character. */
  readonly line: number;
  /** 0-based column of the target's first character, in UTF-8 bytes. */
  readonly column: number;
  readonly kind: TaskKind;
  readonly prefix: string;
  readonly target: string;
  /** "Class.test_name" or "test_name": where the site is. */
  readonly function: string;
  /** The assertion statement's text, whitespace-collapsed (duplicate and change detection). */
  readonly statement: string;
}
