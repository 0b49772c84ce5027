// The route table: the core screens, and every feature module found under src/features/<name>/index.tsx
// (mounted at the path its folder name maps to, loaded on first use).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AppContext, BaseContext, FeatureProps } from '../app/context.js';
import { Chat } from './Chat.js';
import { Contacts } from './Contacts.js';
import { Nav } from './Nav.js';
import { Onboarding } from './Onboarding.js';
import { People } from './People.js';
import { Requests } from './Requests.js';
import { match } from './router.js';

type Loader = () => Promise<Record<string, unknown>>;

const featureModules = import.meta.glob<Record<string, unknown>>('../features/*/index.tsx');

/** A feature folder's routes and its navigation entry (label, link) if it has one. */
interface FeatureRoute {
  paths: string[];
  nav?: { label: string; href: string };
  /** Mounted without an account too. */
  public?: boolean;
}

/** Where each known feature folder is mounted; any other folder gets /<name>. */
const featureRoutes: Record<string, FeatureRoute> = {
  groups: { paths: ['/groups', '/groups/:groupId', '/invite'], nav: { label: 'Groups', href: '/groups' } },
  safety: { paths: ['/safety/:peer'] },
  link: { paths: ['/link'], nav: { label: 'Link a device', href: '/link' }, public: true }, // a new device has no account yet
  backup: { paths: ['/backup'], nav: { label: 'Backup', href: '/backup' } },
  room: { paths: ['/r/:roomId'], nav: { label: 'New room', href: '/r/new' }, public: true },
  tips: { paths: [] }, // TipButton, placed in the chat header
};

/** The features present in this build, with their loaders. */
export const features = Object.entries(featureModules).map(([file, load]) => {
  const name = file.split('/').at(-2)!;
  const route = featureRoutes[name] ?? { paths: [`/${name}`], nav: { label: name[0]!.toUpperCase() + name.slice(1), href: `/${name}` } };
  return { name, load: load as Loader, ...route };
});

/** Whether path is a screen of a public feature, shown without an account. */
export function isPublic(path: string): boolean {
  return features.some((f) => f.public && f.paths.some((p) => match(p, path)));
}

/** Picks the screen a feature module exports: its default export, else its first exported component. */
export function pickComponent(mod: Record<string, unknown>): ComponentType<FeatureProps> | undefined {
  const c = mod.default ?? Object.values(mod).find((v) => typeof v === 'function' && /^[A-Z]/.test((v as { name?: string }).name ?? ''));
  return typeof c === 'function' ? (c as ComponentType<FeatureProps>) : undefined;
}

function Lazy({ load, props }: { load: Loader; props: FeatureProps }) {
  const [C, setC] = useState<ComponentType<FeatureProps> | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    load().then(
      (m) => live && setC(() => pickComponent(m)),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (failed) return <p role="alert">This screen failed to load.</p>;
  return C ? <C {...props} /> : <p aria-busy="true">Loading…</p>;
}

/** The core screens: path pattern → component. */
const core: [string, (app: AppContext, params: Record<string, string>) => preact.JSX.Element][] = [
  ['/welcome', (app) => <Onboarding app={app} welcome />],
  ['/profile', (app) => <Onboarding app={app} welcome={false} />],
  ['/people', (app) => <People app={app} />],
  ['/contacts', (app) => <Contacts app={app} />],
  ['/requests', (app) => <Requests app={app} />],
  ['/chat', (app) => <Chat app={app} />],
  ['/chat/:peer', (app, p) => <Chat app={app} peer={p.peer!} />],
];

/** Renders the screen for path inside the signed-in layout (or a public feature alone). */
export function Routes({ app, base, path }: { app: AppContext | undefined; base: BaseContext; path: string }) {
  let screen: preact.JSX.Element | undefined;
  for (const f of features) {
    if (!app && !f.public) continue;
    for (const pattern of f.paths) {
      const params = match(pattern, path);
      if (params && !screen) screen = <Lazy key={f.name} load={f.load} props={{ app, base, params }} />;
    }
  }
  if (app) {
    for (const [pattern, render] of core) {
      const params = match(pattern, path);
      if (params && !screen) screen = render(app, params);
    }
    screen ??= <Chat app={app} />;
    return (
      <div class="layout">
        <Nav app={app} links={features.filter((f) => f.nav).map((f) => f.nav!)} />
        <main class="content">{screen}</main>
      </div>
    );
  }
  return <main class="content">{screen ?? <p>Sign in to continue.</p>}</main>;
}
