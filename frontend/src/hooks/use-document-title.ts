import { useEffect } from 'react';

export function useDocumentTitle(title: string | null | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · K-주식정보` : 'K-주식정보';
  }, [title]);
}
