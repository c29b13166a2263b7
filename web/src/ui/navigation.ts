// The desk's own navigation: links push history entries, and views follow the path (and the back button).
import { useEffect, useState } from 'react';

/** The current path, following the desk's own links (pushState) and the browser's back button. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    addEventListener('parley:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('parley:navigate', update);
    };
  }, []);
  return path;
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new Event('parley:navigate'));
}
