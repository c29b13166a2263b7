// What the agent may pick: not-ready reasons and wrap-up codes (routing's catalogue, through the API).
import { useEffect, useState } from 'react';
import { apiGet } from '../api/rest';
import type { Session } from '../auth/session';

export interface Catalogue {
  notReadyReasons: { code: string; name: string }[];
  wrapUpCodes: { id: string; name: string; category: string }[];
}

export function useCatalogue(session: Session, onError: (text: string) => void): Catalogue {
  const [catalogue, setCatalogue] = useState<Catalogue>({ notReadyReasons: [], wrapUpCodes: [] });
  useEffect(() => {
    let live = true;
    apiGet<Catalogue>(session, '/api/v1/agent/catalogue').then(
      (answer) => live && setCatalogue(answer),
      (error: unknown) => live && onError(`Could not load reasons and wrap-up codes: ${String(error)}`),
    );
    return () => {
      live = false;
    };
  }, [session, onError]);
  return catalogue;
}
