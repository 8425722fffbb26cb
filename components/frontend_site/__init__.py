"""FrontendSite: the static site on a private bucket behind CloudFront.

`component.py` declares the resources; `distribution.py` the CloudFront distribution and its
policies, `files.py` reads the build (frontend/out), `edge.py` holds the CSP and the
clean-URL function, `buckets.py` the access-log bucket,
`domain.py` the optional custom domain, `releases.py` the versioned release manifest that
`ops/rollback.py` reads.
"""

from components.frontend_site.component import FrontendSite, FrontendSiteArgs
from components.frontend_site.files import SiteNotBuiltError

__all__ = ["FrontendSite", "FrontendSiteArgs", "SiteNotBuiltError"]
