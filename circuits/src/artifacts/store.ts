/** Writing and checking committed artifacts against their manifest entries. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { artifactContent, COMPRESSED_SUFFIX, compressArtifact } from './compression.ts';
import { sha256 } from './hash.ts';
import type { ArtifactEntry } from './manifest.ts';

/** Stores `content` at `relative` under `artifactsDir`, compressed when the path ends in `.br`. */
export async function storeArtifact(artifactsDir: string, relative: string, content: Uint8Array): Promise<ArtifactEntry> {
  const stored = relative.endsWith(COMPRESSED_SUFFIX) ? await compressArtifact(content) : content;
  const path = join(artifactsDir, relative);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, stored);
  return { path: relative, sha256: sha256(content), bytes: content.length, storedBytes: stored.length };
}

/** True when the artifact exists and its content has the recorded hash. */
export async function artifactMatches(entry: ArtifactEntry | undefined, artifactsDir: string): Promise<boolean> {
  if (!entry) return false;
  try {
    const path = join(artifactsDir, entry.path);
    return sha256(await artifactContent(path, new Uint8Array(await readFile(path)))) === entry.sha256;
  } catch {
    return false;
  }
}
